/** Viewer page for our side: the product's RemoteViewer; signals travel through the bench process. */
import { RemoteViewer } from '../../../src/webview/viewer';
import './probe';

declare global {
  interface Window {
    benchOurs: {
      start(screenWidth: number): Promise<{ width: number; height: number }>;
      signal(payload: unknown): void;
      requestControl(): Promise<void>;
      sendChat(text: string): void;
      stats(): Promise<Record<string, number>>;
      /** The page's peer connections (the viewer's), for stats and receiver-side experiments. */
      peerConnections: RTCPeerConnection[];
    };
    /** Exposed by the bench process: relays a signal to the host. */
    benchSendSignal(payload: unknown): Promise<void>;
  }
}

let viewer: RemoteViewer | undefined;

/** Every RTCPeerConnection the page creates, so the bench can read transport and decoder stats. */
const peerConnections: RTCPeerConnection[] = [];
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(config?: RTCConfiguration) {
    super(config);
    peerConnections.push(this);
  }
};

window.benchOurs = {
  peerConnections,
  start(screenWidth) {
    const container = document.createElement('div');
    container.style.cssText = 'position:absolute;left:0;top:0;width:100vw;height:100vh';
    document.body.append(container);
    const v = new RemoteViewer(container, (payload) => void window.benchSendSignal(payload));
    viewer = v;
    // The sampler reads what the helper sees: the region canvas while it shows, else the video.
    window.benchProbe.watch(() =>
      v.showsCanvas ? { kind: 'canvas', canvas: v.canvas } : { kind: 'video', video: v.video, scale: v.video.videoWidth / screenWidth },
    );
    // Started once the host's first picture arrives on either layer; "connected" is decided by the bench's
    // pixel check, the same for every system.
    return new Promise((resolve, reject) => {
      let started = false;
      const done = (size: { width: number; height: number }) => {
        if (started) return;
        started = true;
        resolve(size);
      };
      v.video.requestVideoFrameCallback(() => done({ width: v.video.videoWidth, height: v.video.videoHeight }));
      v.onRegionsMode((mode) => {
        if (mode === 'regions') done({ width: v.canvas.width, height: v.canvas.height });
      });
      v.onError((e) => reject(new Error(`${e.code}: ${e.message}`)));
    });
  },
  signal(payload) {
    viewer?.signal(payload);
  },
  sendChat(text) {
    viewer?.sendChat(text);
  },
  requestControl() {
    const v = viewer as RemoteViewer;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('control was not granted within 10 s')), 10_000);
      v.onControlState((s) => {
        if (!s.granted) return;
        clearTimeout(timer);
        resolve();
      });
      v.requestControl();
    });
  },
  /** Receiver-side costs from the video inbound-rtp and transport stats (cumulative). */
  async stats() {
    const out: Record<string, number> = {};
    for (const pc of peerConnections) {
      (await pc.getStats()).forEach((s) => {
        // Already counted in the transport's bytes (SCTP rides on it); kept apart to see the split.
        if (s.type === 'data-channel' && s.label === 'screen') out.screenBytesReceived = (out.screenBytesReceived ?? 0) + (s.bytesReceived ?? 0);
        if (s.type === 'transport') {
          out.bytesReceived = (out.bytesReceived ?? 0) + (s.bytesReceived ?? 0);
          out.bytesSent = (out.bytesSent ?? 0) + (s.bytesSent ?? 0);
          out.packetsReceived = (out.packetsReceived ?? 0) + (s.packetsReceived ?? 0);
          out.packetsSent = (out.packetsSent ?? 0) + (s.packetsSent ?? 0);
        }
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          for (const key of ['framesDecoded', 'framesReceived', 'framesDropped', 'totalDecodeTime', 'jitterBufferDelay', 'jitterBufferEmittedCount', 'totalProcessingDelay', 'totalAssemblyTime', 'framesAssembledFromMultiplePackets', 'nackCount', 'pliCount', 'keyFramesDecoded', 'frameWidth', 'frameHeight']) {
            if (typeof s[key] === 'number') out[key] = s[key];
          }
        }
      });
    }
    return out;
  },
};
