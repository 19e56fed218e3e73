/**
 * The pure (no I/O) algorithms of the emulator: Status errors, structural schemas, CRDs, patches,
 * selectors, server-side apply, OpenAPI, Table output and names.
 */
export * from './json.ts';
export * from './field-errors.ts';
export * from './status-error.ts';
export * from './structural-schema.ts';
export * from './crd.ts';
export * from './patch.ts';
export { parsePointer } from './json-patch.ts';
export * from './selectors.ts';
export { fieldsV1Of, readManagedFields, recordUpdate, serverSideApply, MAX_UPDATE_MANAGERS } from './server-side-apply.ts';
export type { ApplyOptions, ManagedFieldsEntry, UpdateOptions } from './server-side-apply.ts';
export { FieldSet, fromFieldsV1, leafPaths, pathToString, toFieldsV1, type FieldPath } from './field-set.ts';
export * from './openapi.ts';
export * from './table.ts';
export * from './names.ts';
