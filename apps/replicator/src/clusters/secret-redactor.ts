/**
 * Makes error text safe to log and to record: removes every credential of the members kubeconfig
 * verbatim (tokens, passwords, client keys, auth-provider secrets), then anything that looks like a
 * credential (bearer tokens, URL user info, `token=` / `password=` pairs).
 */

/** Credentials shorter than this are not searched for verbatim (they would match ordinary words). */
const MIN_SECRET_LENGTH = 6;

const PATTERNS: readonly [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/(\w+:\/\/)[^\s/@]+@/g, '$1[redacted]@'],
  [/\b(token|password|passwd|secret|client-key-data|id-token|refresh-token)(["']?\s*[:=]\s*["']?)[^\s"',}&;]+/gi, '$1$2[redacted]'],
];

export type Redactor = (text: string) => string;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A redactor for these known secret values plus the generic patterns. */
export function createSecretRedactor(secrets: Iterable<string>): Redactor {
  const known = [...new Set([...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  const verbatim = known.length === 0 ? undefined : new RegExp(known.map(escapeRegExp).join('|'), 'g');
  return (text) => {
    let out = verbatim ? text.replace(verbatim, '[redacted]') : text;
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };
}

/** Every string value at any depth of `value` (e.g. a kubeconfig user's auth-provider config). */
export function collectStrings(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) collectStrings(item, into);
  return into;
}
