/**
 * Draws a continuously changing scene on an X display for benchmarks (reusable by bench/vnc): a large
 * "editor" area that scrolls one text line per tick, and a marker strip that encodes the tick number in
 * black/white cells so a viewer can tell which tick a painted frame shows (glass-to-glass latency).
 */
import { X11Display } from '../../src/host/x11/X11Display';
import { MARKER } from './marker';

export { MARKER };

interface CoreDrawing {
  CreateGC(id: number, drawable: number, values: { foreground: number; background?: number }): void;
  ChangeGC(id: number, values: { foreground: number }): void;
  PolyFillRectangle(drawable: number, gc: number, rects: number[]): void;
}

export interface Scene {
  /** Wall-clock time (ms since epoch, sub-ms) each tick number was drawn, modulo 2^bits. */
  readonly drawnAt: Map<number, number>;
  readonly ticks: number;
  /** Stops moving; the screen stays as it is (idle). */
  stop(): void;
  close(): void;
}

const LINE = 18;

/** Colour of block `i` in text line `row`: deterministic, so a scrolled line looks the same. */
function lineBlocks(row: number, width: number): { x: number; w: number; color: number }[] {
  let seed = (row * 2654435761) >>> 0;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const blocks: { x: number; w: number; color: number }[] = [];
  let x = Math.floor(next() * 80);
  while (x < width - 40) {
    const w = 20 + Math.floor(next() * 140);
    const palette = [0xd4d4d4, 0x569cd6, 0xce9178, 0x6a9955, 0xdcdcaa, 0xc586c0];
    blocks.push({ x, w: Math.min(w, width - x), color: palette[Math.floor(next() * palette.length)] });
    x += w + 8 + Math.floor(next() * 16);
  }
  return blocks;
}

export async function startScene(displayName: string, options: { fps?: number; area?: { x: number; y: number; width: number; height: number } } = {}): Promise<Scene> {
  const display = await X11Display.connect(displayName);
  const X = display.client as unknown as CoreDrawing;
  const root = display.root;
  const area = options.area ?? { x: 160, y: 120, width: display.screen.pixel_width - 320, height: display.screen.pixel_height - 200 };
  const gc = display.client.AllocID();
  X.CreateGC(gc, root, { foreground: 0x1e1e1e });
  X.PolyFillRectangle(root, gc, [0, 0, display.screen.pixel_width, display.screen.pixel_height]);
  const drawnAt = new Map<number, number>();
  let tick = 0;
  let running = true;

  const draw = () => {
    tick++;
    const seq = tick % 2 ** MARKER.bits;
    const at = performance.timeOrigin + performance.now();
    // Text area: rows tick..tick+n, so it scrolls up one line per tick.
    X.ChangeGC(gc, { foreground: 0x1e1e1e });
    X.PolyFillRectangle(root, gc, [area.x, area.y, area.width, area.height]);
    const rows = Math.floor(area.height / LINE);
    const byColor = new Map<number, number[]>();
    for (let r = 0; r < rows; r++) {
      for (const b of lineBlocks(tick + r, area.width)) {
        const list = byColor.get(b.color) ?? [];
        list.push(area.x + b.x, area.y + r * LINE + 3, b.w, LINE - 6);
        byColor.set(b.color, list);
      }
    }
    for (const [color, rects] of byColor) {
      X.ChangeGC(gc, { foreground: color });
      X.PolyFillRectangle(root, gc, rects);
    }
    // Marker strip: bit i white when set.
    for (const [value, color] of [[1, 0xffffff], [0, 0x000000]] as const) {
      const rects: number[] = [];
      for (let bit = 0; bit < MARKER.bits; bit++) {
        if (((seq >> bit) & 1) === value) rects.push(MARKER.x + bit * MARKER.cell, MARKER.y, MARKER.cell, MARKER.cell);
      }
      if (rects.length) {
        X.ChangeGC(gc, { foreground: color });
        X.PolyFillRectangle(root, gc, rects);
      }
    }
    drawnAt.set(seq, at);
  };

  const interval = 1000 / (options.fps ?? 60);
  // Each tick waits until the server has drawn the previous one, so requests never queue up in the X
  // server: the time a tick is sent is then the time it is drawn, and a slow server lowers the tick
  // rate instead of inflating the measured latency.
  const loop = () => {
    if (!running) return;
    const started = performance.now();
    draw();
    display.client.GetInputFocus(() => setTimeout(loop, Math.max(0, started + interval - performance.now())));
  };
  loop();
  return {
    drawnAt,
    get ticks() {
      return tick;
    },
    stop: () => {
      running = false;
    },
    close: () => {
      running = false;
      display.dispose();
    },
  };
}
