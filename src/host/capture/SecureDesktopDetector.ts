/**
 * Notices the Windows secure desktop. While a User Account Control prompt (or Ctrl+Alt+Del) is up, Windows
 * switches to a desktop no capture can read: libnut gets an all-black frame, or its grab fails. Sampling a
 * grid of pixels is enough to tell (a real screen is never black in every sample), and hysteresis keeps a
 * dark moment — a black video frame, a screen fading — from being reported: hidden only after the screen has
 * been black for HIDE_AFTER_MS, visible again once a clear share of the samples is lit.
 */
import { Emitter } from '../../common/lifecycle';

/** Samples per side of the grid (GRID × GRID pixels read per frame). */
const GRID = 16;
/** A sample is black at or below this in every channel. */
const BLACK_LEVEL = 8;
/** A sample is lit above this in some channel; */
const LIT_LEVEL = 40;
/** …and the screen is back once this share of the samples is lit. */
const LIT_SHARE = 0.05;
/** Black (or failing) this long before the screen counts as hidden. */
export const HIDE_AFTER_MS = 1000;

export interface FrameLayout {
  readonly width: number;
  readonly height: number;
  /** Bytes per row (4 bytes per pixel, BGRA). */
  readonly stride: number;
}

export class SecureDesktopDetector {
  private readonly _onDidChange = new Emitter<boolean>();
  /** true: the screen is hidden by the secure desktop; false: frames are back. */
  readonly onDidChange = this._onDidChange.event;
  private hiddenNow = false;
  private blackSince: number | undefined;

  constructor(private readonly layout: FrameLayout) {}

  get hidden(): boolean {
    return this.hiddenNow;
  }

  /** A grabbed frame (BGRA), or undefined when the grab failed. */
  observe(image: Buffer | undefined, now = performance.now()): void {
    const { black, lit } = image ? this.sample(image) : { black: true, lit: 0 };
    if (black) {
      this.blackSince ??= now;
      if (!this.hiddenNow && now - this.blackSince >= HIDE_AFTER_MS) this.set(true);
      return;
    }
    this.blackSince = undefined;
    if (this.hiddenNow && lit >= LIT_SHARE) this.set(false);
  }

  private sample(image: Buffer): { black: boolean; lit: number } {
    const { width, height, stride } = this.layout;
    let black = true;
    let lit = 0;
    for (let gy = 0; gy < GRID; gy++) {
      const y = Math.floor(((gy + 0.5) * height) / GRID);
      for (let gx = 0; gx < GRID; gx++) {
        const at = y * stride + Math.floor(((gx + 0.5) * width) / GRID) * 4;
        if (at + 2 >= image.length) continue;
        const max = Math.max(image[at], image[at + 1], image[at + 2]);
        if (max > BLACK_LEVEL) black = false;
        if (max > LIT_LEVEL) lit++;
      }
    }
    return { black, lit: lit / (GRID * GRID) };
  }

  private set(hidden: boolean): void {
    this.hiddenNow = hidden;
    this._onDidChange.fire(hidden);
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}
