import { readFile } from 'node:fs/promises';
import { GslbConfigUnavailableError } from './errors/gslb-config-unavailable-error.ts';

export interface GslbConfigSource {
  /** `GSLB_CONFIG`: the members kubeconfig itself (AMKO injects the secret's `gslb-members` key). */
  readonly inline?: string | undefined;
  /** `GSLB_CONFIG_FILE`: a path to it (the secret mounted as a volume; re-read on every call). */
  readonly file?: string | undefined;
}

/**
 * The members kubeconfig text, or undefined when neither source is configured (the caller turns
 * that into AMKO's status message). A mounted file is re-read each time so that an edited secret
 * takes effect without a restart.
 */
export async function readGslbConfig(source: GslbConfigSource): Promise<string | undefined> {
  if (source.file) {
    try {
      return await readFile(source.file, 'utf8');
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'read error';
      throw new GslbConfigUnavailableError(`cannot read GSLB_CONFIG_FILE ${source.file} (${code}); mount the gslb-config-secret key gslb-members there`, { cause: err });
    }
  }
  return source.inline && source.inline.trim() !== '' ? source.inline : undefined;
}
