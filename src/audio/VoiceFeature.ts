/**
 * Start Talking in VS Code: each session's TalkController gets a modal Accept/Decline prompt, the user's
 * remoteAssist.voice.* settings and error messages; the Start Talking button/command toggles the
 * conversation, "Mute / Unmute Microphone" toggles mute (or, with push-to-talk, the talk key), and a status
 * bar item shows both level meters while talking. Registered by one line in extension.ts.
 */
import * as vscode from 'vscode';
import { Emitter } from '../common/lifecycle';
import { Logger } from '../common/logger';
import type { ActiveSession } from '../session/ActiveSession';
import type { SessionFeatures } from '../session/SessionFeatures';
import { TalkController, TalkFactory } from '../common/audio/TalkController';
import { toggleMute, toggleTalking } from '../common/audio/talkToggles';
import { statusText } from './VoiceStatus';
import { readVoiceSettings } from './voiceSettings';
import { VoiceTexts } from '../common/audio/VoiceTexts';
import { askSafely } from '../views/safeQuestion';

/** Every controller the factory makes, for the status bar (one session at a time shows). */
const created = new Emitter<{ controller: TalkController; peerName: string }>();

export function talkFactory(log: Logger): TalkFactory {
  return (peerName, endpoint, history) => {
    const controller = new TalkController({
      peerName,
      endpoint,
      settings: () => readVoiceSettings((key) => vscode.workspace.getConfiguration('remoteAssist').get(key)),
      askToTalk: async (peer) => (await askSafely({ message: VoiceTexts.askToTalk(peer), safe: 'Decline', risky: ['Accept'], severity: 'information' })) === 'Accept',
      history,
      showError: (message) => void vscode.window.showErrorMessage(message),
      log,
    });
    created.fire({ controller, peerName });
    return controller;
  };
}

export function registerVoice(features: SessionFeatures, activeSession: () => ActiveSession | undefined): vscode.Disposable {
  const feature = features.register('startTalking', async (session) => toggleTalking(session));
  const muteFeature = features.register('toggleMute', async (session) => toggleMute(session));
  const mute = vscode.commands.registerCommand('remoteAssist.toggleMute', () => {
    const message = toggleMute(activeSession());
    if (message) void vscode.window.showInformationMessage(message);
  });
  const item = vscode.window.createStatusBarItem('remoteAssist.voice', vscode.StatusBarAlignment.Left, 99);
  item.name = 'Remote Assist Voice';
  item.command = 'remoteAssist.toggleMute';
  item.tooltip = 'Start Talking: your microphone and the other side. Click to mute or unmute.';
  const shown = created.event(({ controller, peerName }) => {
    controller.onDidChange((view) => {
      const text = statusText(view, peerName);
      if (text === undefined) return item.hide();
      item.text = text;
      item.show();
    });
  });
  return vscode.Disposable.from(feature, muteFeature, mute, item, shown);
}
