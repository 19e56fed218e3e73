import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** The absolute path of an executable on PATH, or undefined. */
export async function findOnPath(name: string, pathValue = process.env['PATH'] ?? ''): Promise<string | undefined> {
  for (const dir of pathValue.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
