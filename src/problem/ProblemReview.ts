/**
 * Ask for Help's second step: gathers what could describe the problem, scrubs secrets, and lets the sharer
 * review and approve each part in a QuickPick (the eye button previews a part as it would be sent).
 * Nothing is attached that the sharer did not tick.
 */
import { arch, release, type as osType } from 'os';
import * as vscode from 'vscode';
import type { BundleDiagnostic, ProblemBundle } from '../protocol/bundle';
import { findOutputLogs, readLogTail } from './outputLogs';
import type { ProblemDocuments } from './ProblemDocuments';
import { buildBundle, problemParts, type GatheredProblem, type ProblemPart } from './problemParts';
import { renderProblem } from './renderProblem';

const SEVERITY: Record<vscode.DiagnosticSeverity, BundleDiagnostic['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** Ticked at first: small and rarely private. The output and extension list are the sharer's explicit choice. */
const PICKED_FIRST = new Set(['versions', 'os', 'diagnostics']);

/** `cancelled`: the sharer pressed Escape (no invitation is sent); undefined: send it without details. */
export type ReviewResult = { bundle: ProblemBundle | undefined } | 'cancelled';

export class ProblemReview {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly documents: ProblemDocuments,
  ) {}

  async run(helperName: string): Promise<ReviewResult> {
    const output = await this.pickOutput(helperName);
    if (output === 'cancelled') return output;
    const parts = problemParts(this.gather(output));
    if (parts.length === 0) return { bundle: undefined };
    const preview: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('eye'), tooltip: 'Preview what would be sent' };
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { part: ProblemPart }>();
    pick.title = `Ask ${helperName} for Help: attach to the invitation`;
    pick.placeholder = 'Tick what may be sent (secrets found were already removed); Enter sends the invitation';
    pick.canSelectMany = true;
    pick.ignoreFocusOut = true;
    pick.items = parts.map((part) => ({ label: part.label, description: part.summary, part, buttons: [preview] }));
    pick.selectedItems = pick.items.filter((i) => PICKED_FIRST.has(i.part.key));
    return new Promise<ReviewResult>((resolve) => {
      let done = false;
      pick.onDidTriggerItemButton(({ item }) => void this.documents.show(`review-${item.part.key}`, `To ${helperName} - ${item.part.label}`, renderProblem({ from: 'You', note: '', createdAt: Date.now() }, item.part.value)));
      pick.onDidAccept(() => {
        done = true;
        resolve({ bundle: buildBundle(pick.selectedItems.map((i) => i.part)) });
        pick.hide();
      });
      pick.onDidHide(() => {
        if (!done) resolve('cancelled');
        pick.dispose();
      });
      pick.show();
    });
  }

  /** Which output channel's last lines to offer (the sharer may choose none). */
  private async pickOutput(helperName: string): Promise<{ source: string; text: string } | undefined | 'cancelled'> {
    const logs = await findOutputLogs(this.context.logUri.fsPath);
    if (logs.length === 0) return undefined;
    const none = { label: 'No output', description: 'attach no output lines', log: undefined };
    const picked = await vscode.window.showQuickPick([none, ...logs.map((log) => ({ label: log.name, description: `updated ${new Date(log.modified).toLocaleTimeString()}`, log }))], {
      title: `Ask ${helperName} for Help: the last lines of which output?`,
      placeHolder: 'You review everything before it is sent',
      ignoreFocusOut: true,
    });
    if (!picked) return 'cancelled';
    if (!picked.log) return undefined;
    return { source: picked.log.name, text: await readLogTail(picked.log.file) };
  }

  private gather(output: { source: string; text: string } | undefined): GatheredProblem {
    const editor = vscode.window.activeTextEditor;
    const diagnostics = editor ? vscode.languages.getDiagnostics(editor.document.uri) : [];
    return {
      versions: { vscode: vscode.version, extension: String(this.context.extension.packageJSON.version ?? 'unknown'), app: `${vscode.env.appName} (${vscode.env.appHost})` },
      os: `${osType()} ${release()} ${arch()}`,
      extensions: vscode.extensions.all
        .filter((e) => !(e.packageJSON as { isBuiltin?: boolean }).isBuiltin && !e.id.startsWith('vscode.'))
        .map((e) => ({ id: e.id, version: String((e.packageJSON as { version?: unknown }).version ?? '') }))
        .sort((a, b) => a.id.localeCompare(b.id)),
      output,
      diagnostics: editor
        ? {
            file: vscode.workspace.asRelativePath(editor.document.uri, false),
            items: diagnostics.map((d) => ({
              severity: SEVERITY[d.severity],
              line: d.range.start.line + 1,
              column: d.range.start.character + 1,
              message: d.message,
              ...(d.source ? { source: d.source } : {}),
            })),
          }
        : undefined,
    };
  }
}
