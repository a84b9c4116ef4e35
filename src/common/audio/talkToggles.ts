/** What the Start Talking and Mute buttons do with a session, in VS Code and in the browser page alike. */
import type { ActiveSession } from '../../session/ActiveSession';
import { VoiceTexts } from './VoiceTexts';

/** What the Start Talking button does with a session: start when idle, stop while asking or talking; while asked, say where to answer. */
export function toggleTalking(session: ActiveSession): string | undefined {
  const talk = session.talk;
  if (!talk || session.model.phase !== 'connected') return VoiceTexts.notConnected;
  // The other side asked: the open question is where this user answers (stopping here would decline unseen).
  if (talk.current.phase === 'asked') return VoiceTexts.answerTheQuestion(session.model.peerName);
  if (talk.current.phase === 'idle') talk.start();
  else talk.stop();
  return undefined;
}

/** What Mute/Unmute does: mutes or unmutes, or with push-to-talk presses or releases the talk key. */
export function toggleMute(session: ActiveSession | undefined): string | undefined {
  const talk = session?.talk;
  if (!talk || talk.current.phase !== 'talking') return VoiceTexts.notTalking;
  // VS Code reports no key release, so push-to-talk is pressed and released by this command (or a click).
  if (talk.current.micMode === 'pushToTalk') talk.setTalkKey(!talk.current.talkHeld);
  else talk.setMuted(!talk.current.muted);
  return undefined;
}
