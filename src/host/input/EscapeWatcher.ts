/** Notices ESC on the sharer's own keyboard (not the helper's injected one) while control is shared. */
import { IDisposable, Event } from '../../common/lifecycle';

export interface EscapeWatcher extends IDisposable {
  readonly onEscape: Event<void>;
  start(): void;
  stop(): void;
}
