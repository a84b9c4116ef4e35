/** Reads the X server's own view of keys and pointer, independently of the host (for assertions). */
import { X11Display } from '../../../src/host/x11/X11Display';

export class XProbe {
  /** Buttons pressed on the display since watchButtons() (XInput2 raw events: wheel notches included). */
  readonly buttonPresses: number[] = [];

  private constructor(
    private readonly x: X11Display,
    private readonly mapping: number[][],
  ) {}

  private watching = false;

  async watchButtons(): Promise<void> {
    if (this.watching) return;
    this.watching = true;
    const xi = await this.x.extension<{ AllMasterDevices: number; XISelectEvents(w: number, m: { deviceId: number; mask: string[] }): void }>('xinput');
    this.x.client.on('event', (ev) => {
      if (ev.name === 'XIRawButtonPress') this.buttonPresses.push(ev.detail as number);
    });
    xi.XISelectEvents(this.x.root, { deviceId: xi.AllMasterDevices, mask: ['RawButtonPress'] });
    await this.x.call((cb) => this.x.client.GetInputFocus(cb));
  }

  static async open(display: string): Promise<XProbe> {
    const x = await X11Display.connect(display);
    const count = x.keycodes.max - x.keycodes.min + 1;
    const mapping = await x.call<number[][]>((cb) => x.client.GetKeyboardMapping(x.keycodes.min, count, cb));
    return new XProbe(x, mapping);
  }

  /** Keysyms (column 0) of every key the server currently has down. */
  async keysDown(): Promise<number[]> {
    const bits = await this.x.call<Buffer>((cb) => this.x.client.QueryKeymap(cb));
    const down: number[] = [];
    for (let keycode = this.x.keycodes.min; keycode <= this.x.keycodes.max; keycode++) {
      if (bits[keycode >> 3] & (1 << (keycode & 7))) down.push(this.mapping[keycode - this.x.keycodes.min]?.[0] ?? 0);
    }
    return down;
  }

  async pointer(): Promise<{ x: number; y: number; buttons: number }> {
    const p = await this.x.call<{ rootX: number; rootY: number; keyMask: number }>((cb) => this.x.client.QueryPointer(this.x.root, cb));
    // keyMask bits 8–12 are buttons 1–5.
    return { x: p.rootX, y: p.rootY, buttons: (p.keyMask >> 8) & 0x1f };
  }

  /** How many pixels of a screen rectangle are dark (read from the X server itself, not the video). */
  async darkPixels(x: number, y: number, width: number, height: number): Promise<number> {
    const ZPixmap = 2;
    // Core GetImage: the product captures through MIT-SHM, so its typed client does not declare this one.
    const client = this.x.client as unknown as { GetImage(f: number, d: number, x: number, y: number, w: number, h: number, planes: number, cb: (err: Error | null, image: { data: Buffer }) => void): void };
    const image = await this.x.call<{ data: Buffer }>((cb) => client.GetImage(ZPixmap, this.x.root, x, y, width, height, 0xffffffff, cb));
    let dark = 0;
    // 24-bit depth comes as 4 bytes a pixel (BGRX).
    for (let i = 0; i + 3 < image.data.length; i += 4) if (image.data[i] + image.data[i + 1] + image.data[i + 2] < 3 * 64) dark++;
    return dark;
  }

  close(): void {
    this.x.dispose();
  }
}

export const XK = { Shift_L: 0xffe1, Escape: 0xff1b, Control_L: 0xffe3 } as const;
