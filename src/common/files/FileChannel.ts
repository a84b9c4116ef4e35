/**
 * The part of a W3C RTCDataChannel the transfer engine uses. Browser channels and @roamhq/wrtc channels
 * both fit, and so does a relay that forwards a channel across a process boundary.
 */
export interface ChannelEvent {
  readonly data?: unknown;
}

export interface FileChannel {
  readonly readyState: string;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: string;
  /** Must copy `data` before returning (RTCDataChannel does), so the caller may reuse the buffer. */
  send(data: string | Uint8Array): void;
  addEventListener(type: 'open' | 'close' | 'message' | 'bufferedamountlow', listener: (event: ChannelEvent) => void): void;
  removeEventListener(type: 'open' | 'close' | 'message' | 'bufferedamountlow', listener: (event: ChannelEvent) => void): void;
}
