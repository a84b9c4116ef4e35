/**
 * Modal questions whose default answer is the safe one.
 *
 * VS Code shows a modal message's items in order, minus the one marked `isCloseAffordance`, which becomes the
 * dialog's cancel button (Escape; VS Code adds its own "Cancel" when no item is marked). The first remaining item
 * is the default: the web workbench (code-server) focuses it so Enter presses it, and the desktop's native dialog
 * makes it `defaultId`. So the safe answer goes first, and Escape (VS Code's "Cancel") is a No too: a sharer who
 * presses Enter or Escape by reflex never grants anything.
 */
import * as vscode from 'vscode';

export interface SafeQuestion {
  readonly message: string;
  readonly detail?: string;
  /** The answer that grants nothing (e.g. "No", "Decline"): Enter picks it. */
  readonly safe: string;
  /** The answers that allow something, in the order shown after the safe one. */
  readonly risky: readonly string[];
  readonly severity?: 'information' | 'warning';
}

/** The item order for a modal message: the safe answer first, so it is the default. */
export function safeFirst(question: Pick<SafeQuestion, 'safe' | 'risky'>): string[] {
  return [question.safe, ...question.risky.filter((item) => item !== question.safe)];
}

/** Asks modally; returns the risky answer picked, or undefined for the safe answer, Enter, Escape or closing. */
export async function askSafely(question: SafeQuestion): Promise<string | undefined> {
  const show = question.severity === 'information' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const answer = await show(question.message, { modal: true, detail: question.detail }, ...safeFirst(question));
  return answer !== undefined && answer !== question.safe && question.risky.includes(answer) ? answer : undefined;
}
