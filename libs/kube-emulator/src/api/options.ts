/** Write options from the query string (`dryRun`, `fieldManager`, `fieldValidation`, `force`). */
import { badRequest } from '../pure/index.ts';
import type { FieldValidation, WriteOptions } from './context.ts';

const validations: readonly FieldValidation[] = ['Strict', 'Warn', 'Ignore'];

/** The default field manager: the user agent up to its first `/` (as the API server does). */
export function defaultManager(userAgent: string | undefined): string {
  const name = (userAgent ?? '').split('/')[0]?.trim() ?? '';
  return name === '' ? 'unknown' : name.slice(0, 128);
}

export function writeOptionsOf(query: URLSearchParams, userAgent: string | undefined): WriteOptions {
  const dryRunValues = query.getAll('dryRun');
  for (const value of dryRunValues) {
    if (value !== 'All') throw badRequest(`Invalid dry run value: dryRun: Unsupported value: ${JSON.stringify(value)}: supported values: "All"`);
  }
  const fieldValidation = query.get('fieldValidation') ?? 'Warn';
  if (!(validations as readonly string[]).includes(fieldValidation)) {
    throw badRequest(`Invalid field validation value: fieldValidation: Unsupported value: ${JSON.stringify(fieldValidation)}: supported values: "Ignore", "Strict", "Warn"`);
  }
  const manager = query.get('fieldManager');
  if (manager !== null && manager.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
  const force = query.get('force');
  return {
    dryRun: dryRunValues.length > 0,
    fieldManager: manager ?? defaultManager(userAgent),
    fieldManagerGiven: manager !== null && manager !== '',
    fieldValidation: fieldValidation as FieldValidation,
    force: force === 'true' || force === '1',
  };
}
