/** Viewer page for the VNC servers: noVNC at 1:1 on the whole page, straight to the server's WebSocket. */
import RFB from '@novnc/novnc';
import './probe';

declare global {
  interface Window {
    benchVnc: { connect(url: string): Promise<void>; disconnect(): void };
  }
}

let rfb: RFB | undefined;

window.benchVnc = {
  connect(url) {
    const target = document.createElement('div');
    target.style.cssText = 'position:absolute;left:0;top:0;width:100vw;height:100vh;overflow:hidden';
    document.body.append(target);
    const client = new RFB(target, url, { shared: true });
    rfb = client;
    client.scaleViewport = false; // 1:1, like our viewer
    client.resizeSession = false;
    return new Promise((resolve, reject) => {
      client.addEventListener('connect', () => {
        const canvas = target.querySelector('canvas') as HTMLCanvasElement;
        window.benchProbe.watch(() => ({ kind: 'canvas', canvas }));
        resolve();
      });
      client.addEventListener('disconnect', () => reject(new Error('noVNC disconnected')));
    });
  },
  disconnect() {
    rfb?.disconnect();
  },
};
