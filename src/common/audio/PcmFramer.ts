/** Cuts a byte stream of s16le mono PCM into whole 10 ms frames, carrying the remainder to the next chunk. */
import { FRAME_BYTES, FRAME_SAMPLES, PcmFrame } from './AudioFormat';

export class PcmFramer {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): PcmFrame[] {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: PcmFrame[] = [];
    let offset = 0;
    for (; offset + FRAME_BYTES <= data.length; offset += FRAME_BYTES) {
      // A fresh Int16Array per frame: wrtc reads the whole underlying buffer and ignores byteOffset.
      const frame = new Int16Array(FRAME_SAMPLES);
      for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] = data.readInt16LE(offset + i * 2);
      frames.push(frame);
    }
    this.pending = Buffer.from(data.subarray(offset));
    return frames;
  }
}

/** Frame → bytes for a playback process. */
export function frameBytes(frame: PcmFrame): Buffer {
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}
