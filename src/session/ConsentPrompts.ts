/** The sharer's modal questions. Only an explicit Yes counts: Enter, Escape and closing the dialog are a No. */
import * as vscode from 'vscode';
import { askSafely } from '../views/safeQuestion';
import type { MonitorInfo, ScreenChoice, WindowInfo } from '../protocol/host';
import type { ClipboardAllowed } from '../protocol/clipboard';
import { ClipboardTexts as C } from './ClipboardTexts';
import { DEFAULT_CONTROL_TIME_LIMITS, timeLimitText } from './ControlTimeLimits';
import type { ControlAnswer, SharerPrompts } from './SharerSession';
import { SessionTexts as T } from './SessionTexts';
import { sharerStopKey } from '../common/waylandSession';

export class ConsentPrompts implements SharerPrompts {
  async askConsent(helperName: string): Promise<boolean> {
    return (await askSafely({ message: T.consentQuestion(helperName), detail: T.consentDetail, safe: 'No', risky: ['Yes'] })) === 'Yes';
  }

  async askResume(helperName: string): Promise<boolean> {
    return (await askSafely({ message: T.resumeQuestion(helperName), detail: T.resumeDetail, safe: 'No', risky: ['Yes'] })) === 'Yes';
  }

  offerRestart(restart: () => void): void {
    void vscode.window.showErrorMessage(T.hostCrashedToast, T.restartSharing).then((choice) => {
      if (choice === T.restartSharing) restart();
    });
  }

  /** No (the default: Enter picks it), then Yes for each time limit (5, 15 or 30 minutes by default) or until stopped, or in one window only; the detail asks to compare the verification code first. */
  async askControl(helperName: string, info: { verificationCode?: string; timeLimits?: readonly number[] }): Promise<ControlAnswer> {
    const detail = [info.verificationCode ? T.verificationPrompt(helperName, info.verificationCode) : undefined, T.controlQuestionDetail(sharerStopKey())].filter(Boolean).join('\n\n');
    const choices = new Map<string, ControlAnswer>([
      ...(info.timeLimits ?? DEFAULT_CONTROL_TIME_LIMITS).map((minutes): [string, ControlAnswer] => [`Allow for ${timeLimitText(minutes)}`, { minutes }]),
      ['Allow Until Stopped', true],
      [T.oneWindow, 'oneWindow'],
    ]);
    const answer = await askSafely({ message: T.controlQuestion(helperName), detail, safe: 'No', risky: [...choices.keys()] });
    return answer === undefined ? false : (choices.get(answer) ?? false);
  }

  /** Not modal: it must not block VS Code; no answer within the prompt's time ends the session anyway. */
  async askContinue(helperName: string): Promise<boolean> {
    const answer = await vscode.window.showWarningMessage(T.continueQuestion(helperName), { detail: T.continueDetail }, 'Continue Sharing', 'Stop Sharing');
    return answer === 'Continue Sharing';
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

  async pickScreen(monitors: readonly MonitorInfo[], current: ScreenChoice, midSession: boolean): Promise<ScreenChoice | undefined> {
    const right = Math.max(...monitors.map((m) => m.x + m.width));
    const bottom = Math.max(...monitors.map((m) => m.y + m.height));
    const items: (vscode.QuickPickItem & { choice: ScreenChoice })[] = [
      { label: 'All monitors', description: `${right}×${bottom}`, choice: 'all' },
      ...monitors.map((m) => ({
        label: `Monitor ${m.name}`,
        description: `${m.width}×${m.height} at ${m.x},${m.y}${m.primary ? ' · primary' : ''}`,
        choice: { monitor: m.name },
      })),
    ];
    const same = (c: ScreenChoice) => JSON.stringify(c) === JSON.stringify(current);
    for (const item of items) if (same(item.choice)) item.detail = 'Shared now';
    const picked = await vscode.window.showQuickPick(items, { title: T.pickScreenTitle, placeHolder: midSession ? T.pickScreenPromptMidSession : T.pickScreenPrompt, ignoreFocusOut: true });
    return picked?.choice;
  }

  async pickClipboard(helperName: string, current: ClipboardAllowed): Promise<ClipboardAllowed | undefined> {
    const items: (vscode.QuickPickItem & { key: keyof ClipboardAllowed })[] = [
      { label: C.toHelperItem(helperName), picked: current.toHelper, key: 'toHelper' },
      { label: C.toSharerItem(helperName), picked: current.toSharer, key: 'toSharer' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: C.pickTitle, placeHolder: C.pickPrompt, canPickMany: true, ignoreFocusOut: true });
    if (!picked) return undefined;
    return { toHelper: picked.some((i) => i.key === 'toHelper'), toSharer: picked.some((i) => i.key === 'toSharer') };
  }
}
