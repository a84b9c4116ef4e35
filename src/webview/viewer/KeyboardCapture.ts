/**
 * Turns keyboard events on the viewer into `key` input messages while control is granted; remembers what
 * is held to release it. When only watching, keys stay with the page (the helper's own shortcuts work).
 */
import { InputMessage } from '../../protocol/peer';
import { IDisposable } from '../../common/lifecycle';

export class KeyboardCapture implements IDisposable {
  private readonly held = new Map<string, string>();
  private readonly onKeyDown = (e: KeyboardEvent) => this.handle(e, true);
  private readonly onKeyUp = (e: KeyboardEvent) => this.handle(e, false);
  private readonly onBlur = () => this.releaseAll();

  constructor(
    private readonly target: HTMLElement,
    private readonly send: (message: InputMessage) => void,
    private readonly active: () => boolean,
  ) {
    target.addEventListener('keydown', this.onKeyDown);
    target.addEventListener('keyup', this.onKeyUp);
    target.addEventListener('blur', this.onBlur);
  }

  private handle(e: KeyboardEvent, down: boolean): void {
    // A key-up for a key sent down still goes out, so nothing stays held on the remote side.
    const id = (e.code || e.key).slice(0, 32);
    if (!this.active() && !(!down && this.held.has(id))) return;
    // Every key goes to the remote machine, including Tab and shortcuts the page would otherwise act on.
    e.preventDefault();
    e.stopPropagation();
    if (e.isComposing || !e.key || e.key === 'Unidentified' || e.key === 'Dead') return;
    const code = e.code.slice(0, 32);
    const key = e.key.slice(0, 32);
    if (down) this.held.set(id, key);
    else if (!this.held.delete(id)) return;
    this.send({ type: 'key', code, key, down });
  }

  /** Sends key-up for everything held (focus lost, capture switched off). */
  releaseAll(): void {
    if (this.held.size === 0) return;
    this.held.clear();
    this.send({ type: 'releaseAll' });
  }

  dispose(): void {
    this.releaseAll();
    this.target.removeEventListener('keydown', this.onKeyDown);
    this.target.removeEventListener('keyup', this.onKeyUp);
    this.target.removeEventListener('blur', this.onBlur);
  }
}
