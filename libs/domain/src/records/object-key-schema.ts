import { z } from 'zod';
import { parseObjectKey, type ObjectKey } from '../object-key.ts';

/** `<FederatedKind>/<namespace>/<name>`, checked with the domain's `parseObjectKey`. */
export const ObjectKeySchema = z
  .string()
  .refine((value) => parseObjectKey(value) !== undefined, {
    message: 'must be <FederatedKind>/<namespace>/<name> with a federated kind',
  })
  .transform((value) => value as ObjectKey);
