import { parseObjectKey, type ObjectKey } from '@amko-fed/domain';
import { z } from 'zod';

/** `<FederatedKind>/<namespace>/<name>`, checked with the domain's `parseObjectKey`. */
export const ObjectKeySchema = z
  .string()
  .refine((value) => parseObjectKey(value) !== undefined, {
    message: 'must be <FederatedKind>/<namespace>/<name> with a federated kind',
  })
  .transform((value) => value as ObjectKey);
