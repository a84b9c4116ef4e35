/**
 * Start Talking in VS Code: each session's TalkController gets a modal Accept/Decline prompt, the user's
 * remoteAssist.voice.* settings and error messages; the Start Talking button/command toggles the
 * conversation, and "Mute / Unmute Microphone" toggles mute. Registered by one line in extension.ts.
 */
import * as vscode from 'vscode';
import type { Logger } from '../host/Emitter';
import type { ActiveSession } from '../session/ActiveSession';
import type { SessionFeatures } from '../session/SessionFeatures';
import { TalkController, TalkFactory } from './TalkController';
import { readVoiceSettings } from './voiceSettings';
import { VoiceTexts } from './VoiceTexts';

export function talkFactory(log: Logger): TalkFactory {
  return (peerName, endpoint, history) =>
    new TalkController({
      peerName,
      endpoint,
      settings: () => readVoiceSettings((key) => vscode.workspace.getConfiguration('remoteAssist').get(key)),
      askToTalk: async (peer) => (await vscode.window.showInformationMessage(VoiceTexts.askToTalk(peer), { modal: true }, 'Accept', 'Decline')) === 'Accept',
      history,
      showError: (message) => void vscode.window.showErrorMessage(message),
      log,
    });
}

/** What the Start Talking button does with a session: start when idle, otherwise stop. */
export function toggleTalking(session: ActiveSession): string | undefined {
  const talk = session.talk;
  if (!talk || session.model.phase !== 'connected') return VoiceTexts.notConnected;
  if (talk.current.phase === 'idle') talk.start();
  else talk.stop();
  return undefined;
}

export function registerVoice(features: SessionFeatures, activeSession: () => ActiveSession | undefined): vscode.Disposable {
  const feature = features.register('startTalking', async (session) => toggleTalking(session));
  const mute = vscode.commands.registerCommand('remoteAssist.toggleMute', () => {
    const talk = activeSession()?.talk;
    if (!talk || talk.current.phase !== 'talking') return void vscode.window.showInformationMessage(VoiceTexts.notTalking);
    talk.setMuted(!talk.current.muted);
  });
  return vscode.Disposable.from(feature, mute);
}
