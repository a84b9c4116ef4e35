/** The voice status bar text: what is happening and both level meters, in a few characters. */
import type { TalkView } from '../common/audio/TalkController';

const BARS = ' ▁▂▃▄▅▆▇█';
/** A level 0..1 as a two-character meter. */
export function meter(level: number): string {
  const steps = Math.round(Math.max(0, Math.min(1, level)) * 16);
  return BARS[Math.min(8, steps)] + BARS[Math.max(0, steps - 8)];
}

/** What the status bar item says for a conversation (undefined: hidden). */
export function statusText(view: TalkView, peerName: string): string | undefined {
  switch (view.phase) {
    case 'idle':
      return undefined;
    case 'asking':
      return `$(mic) Waiting for ${peerName}…`;
    case 'asked':
      return `$(mic) ${peerName} wants to talk`;
    case 'talking': {
      const me = view.muted ? '$(mute) muted' : view.micMode === 'pushToTalk' && !view.talkHeld ? '$(mic) push-to-talk' : `$(mic-filled) ${meter(view.local)}`;
      return `${me}  ${peerName} ${view.peerMuted ? '(muted)' : meter(view.remote)}`;
    }
  }
}
