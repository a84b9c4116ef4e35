/**
 * Starts a private Xvnc (TigerVNC's X server) for tests that change the resolution: unlike Xvfb it accepts
 * RANDR mode changes (`xrandr -s 1024x768`), as a real desktop does. No VNC port is opened.
 */
import { startXServer, type XDisplay } from './xvfb';

export function startXvnc(width = 1280, height = 720): Promise<XDisplay> {
  const args = (n: number) => [`:${n}`, '-geometry', `${width}x${height}`, '-depth', '24', '-SecurityTypes', 'None', '-rfbport', '-1', '-nolisten', 'tcp'];
  return startXServer('Xvnc', 450, width, height, args, ' (is tigervnc-standalone-server installed?)');
}
