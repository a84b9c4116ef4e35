/**
 * Secrets removed by pattern from text a sharer may attach to an invitation, before the sharer reviews it:
 * private keys, cloud and forge tokens, JWTs, bearer and basic credentials, passwords in URLs, and
 * `password=…` / `api_key: …` style assignments. What matched is replaced by a marker naming the kind, so
 * the reader knows something was there. Patterns, not proof: the sharer still reviews every part.
 */

interface SecretPattern {
  readonly kind: string;
  readonly pattern: RegExp;
  /** Replaces the match; the default replaces all of it with the marker. */
  readonly replace?: (marker: string, ...groups: string[]) => string;
}

const marker = (kind: string) => `[${kind} removed]`;

/** Order matters: whole blocks first, then specific token shapes, then generic assignments. */
const PATTERNS: readonly SecretPattern[] = [
  { kind: 'private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { kind: 'AWS access key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  {
    kind: 'AWS secret key',
    pattern: /\b(aws_?secret_?access_?key|aws_?session_?token)(\s*[:=]\s*["']?)[A-Za-z0-9/+=]{20,}/gi,
    replace: (m, name, sep) => `${name}${sep}${m}`,
  },
  { kind: 'GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: 'GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'Stripe key', pattern: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { kind: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'OpenAI key', pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: 'credentials', pattern: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{12,}/g, replace: (m, scheme) => `${scheme} ${m}` },
  { kind: 'password', pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, replace: (m, prefix) => `${prefix}${m}@` },
  {
    kind: 'secret',
    // name = value, name: value, "name": "value", NAME=value (env), --password value; quoted values may hold spaces
    pattern: /(["']?(?:--?)?\b[\w.-]*(?:passw(?:or)?d|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth|credentials?)\b["']?)(\s*[:=]\s*|\s+)(?!["']?\[[^\]\n]* removed\])(?:"([^"\n]{4,})"|'([^'\n]{4,})'|([^\s"',;]{4,}))/gi,
    // a bare word after the name is prose ("password is required") unless the name is a command-line flag
    replace: (m, name, sep, dq, sq, bare) => {
      const value = dq || sq || bare;
      const quote = dq ? '"' : sq ? "'" : '';
      const keep = /^(?:true|false|null|none|undefined|required|\*+)$/i.test(value) || (sep.trim() === '' && !name.startsWith('-'));
      return `${name}${sep}${quote}${keep ? value : m}${quote}`;
    },
  },
];

export interface ScrubResult {
  readonly text: string;
  /** How many secrets were replaced, by kind. */
  readonly removed: ReadonlyMap<string, number>;
}

/** Replaces every secret the patterns find in `text`. */
export function scrubSecrets(text: string): ScrubResult {
  const removed = new Map<string, number>();
  let out = text;
  for (const { kind, pattern, replace } of PATTERNS) {
    out = out.replace(pattern, (match: string, ...rest: unknown[]) => {
      const groups = rest.slice(0, -2).map((g) => (typeof g === 'string' ? g : ''));
      const replaced = replace ? replace(marker(kind), ...groups) : marker(kind);
      if (replaced !== match) removed.set(kind, (removed.get(kind) ?? 0) + 1);
      return replaced;
    });
  }
  return { text: out, removed };
}

/** "2 secrets removed (GitHub token, password)" or undefined when none were. */
export function describeRemoved(removed: ReadonlyMap<string, number>): string | undefined {
  const total = [...removed.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  return `${total} secret${total === 1 ? '' : 's'} removed (${[...removed.keys()].join(', ')})`;
}
