/**
 * What is shared right now, as one object every part reads live (capture, cursor, input, the gate): a
 * resolution change (RANDR) or the sharer choosing another monitor moves it, and each part follows.
 */
import { Emitter, IDisposable } from '../../common/lifecycle';
import { ScreenRegion } from './ScreenCapture';

export class ScreenArea implements ScreenRegion, IDisposable {
  private current: ScreenRegion;
  private _whole: boolean;
  private readonly _onDidChange = new Emitter<ScreenRegion>();
  /** The area moved or changed size; fired after the new values are in place. */
  readonly onDidChange = this._onDidChange.event;

  constructor(region: ScreenRegion, whole: boolean) {
    this.current = { ...region };
    this._whole = whole;
  }

  get x(): number {
    return this.current.x;
  }
  get y(): number {
    return this.current.y;
  }
  get width(): number {
    return this.current.width;
  }
  get height(): number {
    return this.current.height;
  }
  /** The whole X screen (not one monitor): capture can then take cheaper whole-screen damage reports. */
  get whole(): boolean {
    return this._whole;
  }

  /** Moves the area; returns whether anything changed (listeners hear only real changes). */
  set(region: ScreenRegion, whole: boolean): boolean {
    const c = this.current;
    if (c.x === region.x && c.y === region.y && c.width === region.width && c.height === region.height && this._whole === whole) return false;
    this.current = { x: region.x, y: region.y, width: region.width, height: region.height };
    this._whole = whole;
    this._onDidChange.fire({ ...this.current });
    return true;
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}
