import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import { userMessage } from './userErrors';

/**
 * Registers the command `remoteAssist.<id>`. A failure never reaches VS Code as an unhandled rejection: it is
 * logged with its stack and shown to the user as a sentence (`message`, by default the error codes' texts).
 */
export function registerCommand<A extends unknown[]>(
  id: string,
  run: (...args: A) => unknown,
  log: Logger,
  message: (err: unknown) => string = (err) => userMessage(err),
): vscode.Disposable {
  return vscode.commands.registerCommand(`remoteAssist.${id}`, async (...args: A) => {
    try {
      await run(...args);
    } catch (err) {
      log.error(`remoteAssist.${id}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      void vscode.window.showErrorMessage(message(err));
    }
  });
}
