/**
 * The parts a sharer may attach to an invitation, made from what the editor gathered: secrets scrubbed
 * first (so the review shows what would really be sent), then offered one by one; the chosen ones become
 * a ProblemBundle that fits MAX_BUNDLE_BYTES (the oldest output lines go first when it would not).
 */
import { MAX_BUNDLE_BYTES, MAX_BUNDLE_DIAGNOSTICS, MAX_BUNDLE_EXTENSIONS, MAX_BUNDLE_LINES, ProblemBundle, type BundleDiagnostic, type BundleExtension } from '../protocol/bundle';
import { describeRemoved, scrubSecrets } from './scrubSecrets';

/** What the editor gathered, before scrubbing. */
export interface GatheredProblem {
  readonly versions?: { vscode: string; extension: string; app?: string };
  readonly os?: string;
  readonly extensions?: readonly BundleExtension[];
  /** The chosen output channel's text (its last lines are kept). */
  readonly output?: { source: string; text: string };
  readonly diagnostics?: { file: string; items: readonly BundleDiagnostic[] };
}

export type PartKey = keyof ProblemBundle;

export interface ProblemPart {
  readonly key: PartKey;
  readonly label: string;
  /** One line for the review list: what it holds, and how many secrets were removed. */
  readonly summary: string;
  /** The bundle with only this part, scrubbed. */
  readonly value: ProblemBundle;
}

const oneLine = (s: string, max: number) => s.replace(/[\r\n\u2028\u2029]+/g, ' ').slice(0, max);

/** The parts that have something in them, scrubbed, in the order the review shows them. */
export function problemParts(g: GatheredProblem): ProblemPart[] {
  const parts: ProblemPart[] = [];
  if (g.versions) {
    const versions = { vscode: oneLine(g.versions.vscode, 64), extension: oneLine(g.versions.extension, 64), ...(g.versions.app ? { app: oneLine(g.versions.app, 64) } : {}) };
    parts.push({ key: 'versions', label: 'Versions', summary: `VS Code ${versions.vscode}${versions.app ? ` (${versions.app})` : ''}, Remote Assist ${versions.extension}`, value: { versions } });
  }
  if (g.os) parts.push({ key: 'os', label: 'Operating system', summary: oneLine(g.os, 128), value: { os: oneLine(g.os, 128) } });
  if (g.extensions && g.extensions.length > 0) {
    const extensions = g.extensions.slice(0, MAX_BUNDLE_EXTENSIONS).map((e) => ({ id: oneLine(e.id, 128), version: oneLine(e.version, 64) }));
    parts.push({ key: 'extensions', label: 'Extensions', summary: `${extensions.length} installed: ${extensions.slice(0, 4).map((e) => e.id).join(', ')}${extensions.length > 4 ? ', …' : ''}`, value: { extensions } });
  }
  if (g.output) {
    const scrubbed = scrubSecrets(g.output.text);
    const lines = scrubbed.text.split(/\r?\n/).filter((l, i, all) => l.length > 0 || i < all.length - 1).slice(-MAX_BUNDLE_LINES).map((l) => l.slice(0, 2000));
    const removed = describeRemoved(scrubbed.removed);
    parts.push({
      key: 'output',
      label: `Output: ${oneLine(g.output.source, 100)}`,
      summary: `last ${lines.length} line${lines.length === 1 ? '' : 's'}${removed ? ` · ${removed}` : ''}`,
      value: { output: { source: oneLine(g.output.source, 128), lines } },
    });
  }
  if (g.diagnostics && g.diagnostics.items.length > 0) {
    const removedAll = new Map<string, number>();
    const items = g.diagnostics.items.slice(0, MAX_BUNDLE_DIAGNOSTICS).map((d) => {
      const scrubbed = scrubSecrets(d.message);
      for (const [k, n] of scrubbed.removed) removedAll.set(k, (removedAll.get(k) ?? 0) + n);
      return { ...d, message: scrubbed.text.slice(0, 1000), ...(d.source ? { source: oneLine(d.source, 64) } : {}) };
    });
    const errors = items.filter((d) => d.severity === 'error').length;
    const removed = describeRemoved(removedAll);
    parts.push({
      key: 'diagnostics',
      label: `Problems in ${oneLine(g.diagnostics.file, 200)}`,
      summary: `${items.length} problem${items.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}${removed ? ` · ${removed}` : ''}`,
      value: { diagnostics: { file: oneLine(g.diagnostics.file, 512), items } },
    });
  }
  return parts;
}

/** The chosen parts as one validated bundle, cut to fit: the oldest output lines, then the last problems go first. */
export function buildBundle(chosen: readonly ProblemPart[]): ProblemBundle | undefined {
  if (chosen.length === 0) return undefined;
  const bundle: ProblemBundle = Object.assign({}, ...chosen.map((p) => p.value));
  const size = () => Buffer.byteLength(JSON.stringify(bundle));
  if (bundle.output) bundle.output = { ...bundle.output, lines: [...bundle.output.lines] };
  while (size() > MAX_BUNDLE_BYTES && bundle.output && bundle.output.lines.length > 0) bundle.output.lines.shift();
  if (bundle.diagnostics) bundle.diagnostics = { ...bundle.diagnostics, items: [...bundle.diagnostics.items] };
  while (size() > MAX_BUNDLE_BYTES && bundle.diagnostics && bundle.diagnostics.items.length > 0) bundle.diagnostics.items.pop();
  while (size() > MAX_BUNDLE_BYTES && bundle.extensions && bundle.extensions.length > 0) bundle.extensions = bundle.extensions.slice(0, -1);
  return ProblemBundle.parse(bundle);
}
