/**
 * The problem bundle: what a sharer chose to attach to an invitation (besides the note) so the helper
 * knows the problem before accepting. Every part is optional; the whole is at most MAX_BUNDLE_BYTES of JSON.
 * The server stores it with the invitation and hands it to the two parties only; the helper's extension
 * shows it as a read-only document. Untrusted text everywhere: a single line where one line is meant.
 */
import { z } from 'zod';

/** Largest bundle (bytes of its JSON text). */
export const MAX_BUNDLE_BYTES = 24 * 1024;
export const MAX_BUNDLE_LINES = 200;
export const MAX_BUNDLE_EXTENSIONS = 300;
export const MAX_BUNDLE_DIAGNOSTICS = 100;

const OneLine = (max: number) => z.string().max(max).refine((s) => !/[\r\n\u2028\u2029]/.test(s), 'must be one line');

export const BundleExtension = z.strictObject({ id: OneLine(128), version: OneLine(64) });
export const BundleDiagnostic = z.strictObject({
  severity: z.enum(['error', 'warning', 'information', 'hint']),
  /** 1-based, as editors show them. */
  line: z.number().int().min(1).max(10_000_000),
  column: z.number().int().min(1).max(100_000),
  message: z.string().max(1000),
  source: OneLine(64).optional(),
});

export const ProblemBundle = z
  .strictObject({
    /** VS Code's version and this extension's, e.g. "1.100.3" and "0.1.0". */
    versions: z.strictObject({ vscode: OneLine(64), extension: OneLine(64), app: OneLine(64).optional() }).optional(),
    /** e.g. "Linux 6.1.0 x64". */
    os: OneLine(128).optional(),
    extensions: z.array(BundleExtension).max(MAX_BUNDLE_EXTENSIONS).optional(),
    /** The last lines of an output channel the sharer chose, secrets scrubbed. */
    output: z.strictObject({ source: OneLine(128), lines: z.array(z.string().max(2000)).max(MAX_BUNDLE_LINES) }).optional(),
    /** The active problems of the file open in the sharer's editor (its workspace-relative name). */
    diagnostics: z.strictObject({ file: OneLine(512), items: z.array(BundleDiagnostic).max(MAX_BUNDLE_DIAGNOSTICS) }).optional(),
  })
  .refine((b) => Buffer.byteLength(JSON.stringify(b)) <= MAX_BUNDLE_BYTES, `a problem bundle may be at most ${MAX_BUNDLE_BYTES} bytes`);

export type ProblemBundle = z.infer<typeof ProblemBundle>;
export type BundleDiagnostic = z.infer<typeof BundleDiagnostic>;
export type BundleExtension = z.infer<typeof BundleExtension>;
