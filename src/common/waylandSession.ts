/**
 * Whether the desktop is a Wayland session (the host shares it through the desktop portal), and what follows
 * for the sharer: no app sees keys outside its own windows there, so ESC cannot be watched as on X11, Windows
 * and macOS; the sharer stops control with VS Code's Stop Control keybinding (or the desktop shortcut the host
 * binds through the portal where it offers GlobalShortcuts) and Stop Control.
 */

export function isWaylandSession(env: NodeJS.ProcessEnv): boolean {
  return env.XDG_SESSION_TYPE === 'wayland' || !!env.WAYLAND_DISPLAY;
}

/** The chord of the remoteAssist.stopControl keybinding (package.json) on Linux and Windows. */
export const STOP_CONTROL_CHORD = 'Ctrl+Alt+End';

/** The sharer's stop key as the texts name it. */
export function sharerStopKey(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  return platform === 'linux' && isWaylandSession(env) ? `${STOP_CONTROL_CHORD} in VS Code` : 'ESC';
}
