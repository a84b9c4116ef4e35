/** Notices ESC on the sharer's own keyboard (not the helper's injected one) while control is shared. */
import { Disposable, Event } from '../Emitter';

export interface EscapeWatcher extends Disposable {
  readonly onEscape: Event<void>;
  start(): void;
  stop(): void;
}
