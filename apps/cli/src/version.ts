/**
 * The version of amko-fed: fixed at build time in the packaged CLI (scripts/build-cli-package.ts
 * defines AMKO_FED_VERSION), else the `version` of apps/cli/package.json next to src/.
 */
import { readFileSync } from 'node:fs';

declare const AMKO_FED_VERSION: string | undefined;

export function cliVersion(): string {
  if (typeof AMKO_FED_VERSION === 'string') return AMKO_FED_VERSION;
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
}
