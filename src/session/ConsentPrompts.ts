/** The sharer's modal questions. Only an explicit Yes counts: closing the dialog is a No. */
import * as vscode from 'vscode';
import type { WindowInfo } from '../protocol/host';
import type { SharerPrompts } from './SharerSession';
import { SessionTexts as T } from './SessionTexts';

export class ConsentPrompts implements SharerPrompts {
  async askConsent(helperName: string): Promise<boolean> {
    const answer = await vscode.window.showWarningMessage(T.consentQuestion(helperName), { modal: true, detail: T.consentDetail }, 'Yes', 'No');
    return answer === 'Yes';
  }

  offerRestart(restart: () => void): void {
    void vscode.window.showErrorMessage(T.hostCrashedToast, T.restartSharing).then((choice) => {
      if (choice === T.restartSharing) restart();
    });
  }

  async askControl(helperName: string): Promise<boolean | 'oneWindow'> {
    const answer = await vscode.window.showWarningMessage(T.controlQuestion(helperName), { modal: true, detail: T.controlQuestionDetail }, 'Yes', T.oneWindow, 'No');
    return answer === T.oneWindow ? 'oneWindow' : answer === 'Yes';
  }

  async pickWindow(windows: readonly WindowInfo[], purpose: 'control' | 'share'): Promise<number | 'wholeScreen' | undefined> {
    const items = windows.map((w) => ({ label: w.title, description: w.className, id: w.id as number | 'wholeScreen' }));
    if (purpose === 'share') items.unshift({ label: T.wholeScreen, description: '', id: 'wholeScreen' });
    const picked = await vscode.window.showQuickPick(items, { title: purpose === 'control' ? T.oneWindow : 'Only One Window…', placeHolder: purpose === 'control' ? T.pickControlWindow : T.pickSharedWindow, ignoreFocusOut: true });
    return picked?.id;
  }

  async offerSystemSettings(message: string, settingsUrl: string): Promise<void> {
    const answer = await vscode.window.showErrorMessage(message, 'Open System Settings');
    if (answer === 'Open System Settings') await vscode.env.openExternal(vscode.Uri.parse(settingsUrl));
  }
}
