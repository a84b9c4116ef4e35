/**
 * What the sharer keeps from the helper, window by window: windows whose title or class match a redaction
 * rule (password managers, key-ring prompts) are hidden and closed to input; with "Only One Window…" all
 * but that window is hidden; with control scoped to a window, input lands only on it. Pure decisions over
 * an X11Windows snapshot, so the capture and the gate ask the same questions of the same list.
 */
import { Emitter } from '../../common/lifecycle';
import { InputMessage } from '../../protocol/peer';
import { ScreenRegion } from '../capture/ScreenCapture';
import { TopWindow, WindowSnapshot } from '../x11/X11Windows';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Case-insensitive substring rules on a window's title, WM_CLASS instance or class. */
export function matchesRule(window: TopWindow, rules: readonly string[]): boolean {
  const fields = [window.title, window.instance, window.className].map((s) => s.toLowerCase());
  return rules.some((rule) => {
    const needle = rule.trim().toLowerCase();
    return needle.length > 0 && fields.some((f) => f.includes(needle));
  });
}

function contains(w: Rect, x: number, y: number): boolean {
  return x >= w.x && y >= w.y && x < w.x + w.width && y < w.y + w.height;
}

/** `r` clipped to the region, in region coordinates; undefined when they do not meet. */
function clip(r: Rect, region: ScreenRegion): Rect | undefined {
  const x0 = Math.max(r.x, region.x);
  const y0 = Math.max(r.y, region.y);
  const x1 = Math.min(r.x + r.width, region.x + region.width);
  const y1 = Math.min(r.y + r.height, region.y + region.height);
  return x1 > x0 && y1 > y0 ? { x: x0 - region.x, y: y0 - region.y, width: x1 - x0, height: y1 - y0 } : undefined;
}

export class WindowPrivacy {
  private readonly _onDidChange = new Emitter<void>();
  /** The rules or the chosen windows changed: what is hidden must be evaluated again. */
  readonly onDidChange = this._onDidChange.event;
  private rules: readonly string[];
  private shared: number | undefined;
  private scope: number | undefined;

  constructor(rules: readonly string[]) {
    this.rules = rules;
  }

  setRules(rules: readonly string[]): void {
    this.rules = rules;
    this._onDidChange.fire();
  }

  /** Show only this window (undefined: the whole screen). */
  shareOnly(window: number | undefined): void {
    this.shared = window;
    this._onDidChange.fire();
  }

  /** Control only inside this window (undefined: the whole screen). */
  scopeControl(window: number | undefined): void {
    this.scope = window;
  }

  get sharedWindow(): number | undefined {
    return this.shared;
  }

  get controlWindow(): number | undefined {
    return this.scope;
  }

  redacted(snapshot: WindowSnapshot): TopWindow[] {
    return snapshot.windows.filter((w) => matchesRule(w, this.rules));
  }

  /** Rectangles to black out, in region coordinates. */
  hiddenRects(snapshot: WindowSnapshot, region: ScreenRegion): Rect[] {
    const hidden: Rect[] = [];
    if (this.shared !== undefined) {
      const kept = snapshot.windows.find((w) => w.id === this.shared);
      const inside = kept && clip(kept, region);
      if (!inside) return [{ x: 0, y: 0, width: region.width, height: region.height }];
      // Everything around the kept window: above, below, left, right.
      const { x, y, width, height } = inside;
      const around = [
        { x: 0, y: 0, width: region.width, height: y },
        { x: 0, y: y + height, width: region.width, height: region.height - y - height },
        { x: 0, y, width: x, height },
        { x: x + width, y, width: region.width - x - width, height },
      ];
      hidden.push(...around.filter((r) => r.width > 0 && r.height > 0));
      // Windows stacked above the kept one show through its rectangle: hide them too.
      const above = snapshot.windows.slice(snapshot.windows.indexOf(kept) + 1);
      for (const w of above) {
        const r = clip(w, region);
        if (r) hidden.push(r);
      }
    }
    for (const w of this.redacted(snapshot)) {
      const r = clip(w, region);
      if (r) hidden.push(r);
    }
    return hidden;
  }

  /**
   * Why the helper's input must not be applied, or undefined when it may. `message` coordinates are in the
   * shared region's; keys go where the focus is.
   */
  refusal(message: InputMessage, snapshot: WindowSnapshot, region: ScreenRegion): string | undefined {
    // A key pressed where keys were allowed must not stay held. (A button release moves the pointer, so it
    // follows the rule of its point: a drag into a hidden window is not dropped there.)
    if (message.type === 'releaseAll' || (message.type === 'key' && !message.down)) return undefined;
    if ('x' in message) {
      const x = region.x + message.x;
      const y = region.y + message.y;
      const secret = this.redacted(snapshot).find((w) => contains(w, x, y));
      if (secret) return `input at ${message.x},${message.y} falls on a hidden window (${secret.className || secret.title})`;
      const limit = this.scope ?? this.shared;
      if (limit === undefined) return undefined;
      const target = topmost(snapshot, x, y);
      if (target?.id !== limit) return `input at ${message.x},${message.y} is outside the window the helper may use`;
      return undefined;
    }
    const focus = snapshot.windows.find((w) => w.id === snapshot.focus);
    if (focus && matchesRule(focus, this.rules)) return `keys would reach a hidden window (${focus.className || focus.title})`;
    const limit = this.scope ?? this.shared;
    if (limit !== undefined && snapshot.focus !== limit) return 'keys would reach a window other than the one the helper may use';
    return undefined;
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}

/** The managed window on top at a point (menus and tooltips stand on their owner's behalf). */
function topmost(snapshot: WindowSnapshot, x: number, y: number): TopWindow | undefined {
  for (let i = snapshot.windows.length - 1; i >= 0; i--) {
    const w = snapshot.windows[i];
    if (!w.overrideRedirect && contains(w, x, y)) return w;
  }
  return undefined;
}
