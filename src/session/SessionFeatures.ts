/**
 * Session features other parts finish (Send a File, Start Talking). Until a part registers its handler,
 * the button says plainly that the feature is not available yet and does nothing else. The files and voice
 * parts hook in with one `register` call each.
 */
import type { IDisposable } from '../common/lifecycle';
import type { ActiveSession } from './ActiveSession';
import { SessionTexts } from './SessionTexts';

export type FeatureId = 'sendFile' | 'startTalking' | 'toggleMute';
/** Does the feature's work; resolves with a sentence to show, if any. */
export type FeatureHandler = (session: ActiveSession) => Promise<string | undefined>;

const NAMES: Record<FeatureId, string> = { sendFile: 'Send a File', startTalking: 'Start Talking', toggleMute: 'Mute' };

export class SessionFeatures {
  private readonly handlers = new Map<FeatureId, FeatureHandler>();

  register(id: FeatureId, handler: FeatureHandler): IDisposable {
    if (this.handlers.has(id)) throw new Error(`${NAMES[id]} already has a handler`);
    this.handlers.set(id, handler);
    return { dispose: () => this.handlers.get(id) === handler && this.handlers.delete(id) };
  }

  run(id: FeatureId, session: ActiveSession): Promise<string | undefined> {
    const handler = this.handlers.get(id);
    return handler ? handler(session) : Promise.resolve(SessionTexts.notAvailableYet(NAMES[id]));
  }
}
