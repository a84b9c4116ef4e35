/** Typed access to @roamhq/wrtc (it ships no declarations): the standard classes plus the nonstandard media bridge. */

export interface RTCVideoSourceLike {
  createTrack(): MediaStreamTrack;
  onFrame(frame: { width: number; height: number; data: Uint8Array }): void;
}

export interface Wrtc {
  RTCPeerConnection: typeof RTCPeerConnection;
  RTCSessionDescription: typeof RTCSessionDescription;
  RTCIceCandidate: typeof RTCIceCandidate;
  MediaStream: typeof MediaStream;
  nonstandard: {
    RTCVideoSource: new (init?: { isScreencast?: boolean; needsDenoising?: boolean }) => RTCVideoSourceLike;
    rgbaToI420(src: { width: number; height: number; data: Uint8ClampedArray }, dst: { width: number; height: number; data: Uint8Array }): void;
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const wrtc = require('@roamhq/wrtc') as Wrtc;
