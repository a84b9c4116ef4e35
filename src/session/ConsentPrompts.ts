/** The sharer's modal questions. Only an explicit Yes counts: closing the dialog is a No. */
import * as vscode from 'vscode';
import type { SharerPrompts } from './SharerSession';
import { SessionTexts as T } from './SessionTexts';

export class ConsentPrompts implements SharerPrompts {
  async askConsent(helperName: string): Promise<boolean> {
    const answer = await vscode.window.showWarningMessage(T.consentQuestion(helperName), { modal: true, detail: T.consentDetail }, 'Yes', 'No');
    return answer === 'Yes';
  }

  async askResume(helperName: string): Promise<boolean> {
    const answer = await vscode.window.showWarningMessage(T.resumeQuestion(helperName), { modal: true, detail: T.resumeDetail }, 'Yes', 'No');
    return answer === 'Yes';
  }

  offerRestart(restart: () => void): void {
    void vscode.window.showErrorMessage(T.hostCrashedToast, T.restartSharing).then((choice) => {
      if (choice === T.restartSharing) restart();
    });
  }

  async askControl(helperName: string): Promise<boolean> {
    const answer = await vscode.window.showWarningMessage(T.controlQuestion(helperName), { modal: true, detail: T.controlQuestionDetail }, 'Yes', 'No');
    return answer === 'Yes';
  }

  async offerSystemSettings(message: string, settingsUrl: string): Promise<void> {
    const answer = await vscode.window.showErrorMessage(message, 'Open System Settings');
    if (answer === 'Open System Settings') await vscode.env.openExternal(vscode.Uri.parse(settingsUrl));
  }
}
