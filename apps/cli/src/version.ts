/** The version of amko-fed: the `version` of the package.json next to src/ (the repository's or the installed package's). */
import { readFileSync } from 'node:fs';

export function cliVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
}
