/**
 * Kubernetes `Status` errors (k8s.io/apimachinery/pkg/api/errors), with the exact messages,
 * reasons, codes and details the real API server sends (kube-api-notes §2).
 */
import { aggregateMessage } from './field-errors.ts';

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface K8sStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A group and resource (plural), e.g. `{ group: 'amko.vmware.com', plural: 'amkoclusters' }`; core group is `''`. */
export interface GroupResource {
  group: string;
  plural: string;
}

/** Who was refused what, for `forbidden`: renders kube's RBAC sentence. */
export interface ForbiddenRequest {
  user: string;
  verb: string;
  /** Omitted for cluster-scoped requests (`at the cluster scope`). */
  namespace?: string;
}

/** `GroupResource.String()`: `amkoclusters.amko.vmware.com`, or `secrets` for the core group. */
export function qualifiedResource(resource: GroupResource): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

/** `GroupKind.String()`: `GSLBConfig.amko.vmware.com`, or `Secret` for the core group. */
export function qualifiedKind(kind: string, group: string): string {
  return group ? `${kind}.${group}` : kind;
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): K8sStatus {
  const status: K8sStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return status;
}

function resourceDetails(resource: GroupResource, name: string): StatusDetails {
  return { name, group: resource.group, kind: resource.plural };
}

export function notFound(resource: GroupResource, name: string): ApiError {
  return new ApiError(failure(404, 'NotFound', `${qualifiedResource(resource)} ${JSON.stringify(name)} not found`, resourceDetails(resource, name)));
}

export function alreadyExists(resource: GroupResource, name: string): ApiError {
  return new ApiError(failure(409, 'AlreadyExists', `${qualifiedResource(resource)} ${JSON.stringify(name)} already exists`, resourceDetails(resource, name)));
}

export const CONFLICT_DETAIL = 'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(resource: GroupResource, name: string, detail: string = CONFLICT_DETAIL): ApiError {
  const message = `Operation cannot be fulfilled on ${qualifiedResource(resource)} ${JSON.stringify(name)}: ${detail}`;
  return new ApiError(failure(409, 'Conflict', message, resourceDetails(resource, name)));
}

/** 422 `<Kind>.<group> "name" is invalid: <causes>` (`NewInvalid`). */
export function invalid(kindName: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const head = `${qualifiedKind(kindName, group)} ${JSON.stringify(name)} is invalid`;
  const message = causes.length > 0 ? `${head}: ${aggregateMessage(causes)}` : head;
  return new ApiError(failure(422, 'Invalid', message, { name, group, kind: kindName, causes }));
}

/** 422 without a kind, e.g. a JSON Patch that does not apply. */
export function unprocessableEntity(message: string): ApiError {
  return new ApiError(failure(422, 'Invalid', message, { causes: [{ reason: 'FieldValueInvalid', message, field: '' }] }));
}

/** 409 from server-side apply (`NewApplyConflict`); causes carry `FieldManagerConflict`. */
export function applyConflict(causes: StatusCause[], message: string): ApiError {
  return new ApiError(failure(409, 'Conflict', message, { causes }));
}

export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, 'BadRequest', message));
}

/** 400 for `fieldValidation=Strict` with unknown fields: `strict decoding error: unknown field "spec.foo"`. */
export function strictDecodingError(unknownFields: readonly string[]): ApiError {
  return badRequest(`strict decoding error: ${unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`).join(', ')}`);
}

export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(failure(415, 'UnsupportedMediaType', message));
}

export function forbidden(resource: GroupResource, name: string, why: string | ForbiddenRequest): ApiError {
  const detail = typeof why === 'string' ? why : rbacSentence(resource, why);
  const subject = name ? `${qualifiedResource(resource)} ${JSON.stringify(name)}` : qualifiedResource(resource);
  return new ApiError(failure(403, 'Forbidden', `${subject} is forbidden: ${detail}`, resourceDetails(resource, name)));
}

function rbacSentence(resource: GroupResource, r: ForbiddenRequest): string {
  const scope = r.namespace ? `in the namespace ${JSON.stringify(r.namespace)}` : 'at the cluster scope';
  return `User ${JSON.stringify(r.user)} cannot ${r.verb} resource ${JSON.stringify(resource.plural)} in API group ${JSON.stringify(resource.group)} ${scope}`;
}

export function unauthorized(message = 'Unauthorized'): ApiError {
  return new ApiError(failure(401, 'Unauthorized', message));
}

/** 405 `<action> is not supported on resources of kind "<plural.group>"` (`NewMethodNotSupported`). */
export function methodNotAllowed(resource: GroupResource, action: string): ApiError {
  const message = `${action} is not supported on resources of kind ${JSON.stringify(qualifiedResource(resource))}`;
  return new ApiError(failure(405, 'MethodNotAllowed', message, { group: resource.group, kind: resource.plural }));
}

export function tooManyRequests(retryAfterSeconds: number, message = 'Too many requests, please try again later.'): ApiError {
  return new ApiError(failure(429, 'TooManyRequests', message, { retryAfterSeconds }));
}

export function internalError(message: string): ApiError {
  return new ApiError(failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ reason: '', message, field: '' }] }));
}

export function serviceUnavailable(message: string): ApiError {
  return new ApiError(failure(503, 'ServiceUnavailable', message));
}

/** 410 `Expired`, e.g. `too old resource version: 5 (120)`. */
export function expired(message: string): ApiError {
  return new ApiError(failure(410, 'Expired', message));
}

export function namespaceNotFound(namespace: string): ApiError {
  return notFound({ group: '', plural: 'namespaces' }, namespace);
}

/**
 * 403 for a create in a terminating namespace. Without `resource`/`name` it names the namespace
 * itself; the real server names the object being created.
 */
export function namespaceTerminating(namespace: string, resource?: GroupResource, name?: string): ApiError {
  const target = resource ?? { group: '', plural: 'namespaces' };
  const detail = `unable to create new content in namespace ${namespace} because it is being terminated`;
  const error = forbidden(target, name ?? (resource ? '' : namespace), detail);
  error.status.details = { ...error.status.details, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] };
  return error;
}

/** The `Success` status a delete without finalizers returns. */
export function deletedStatus(resource: GroupResource, name: string, uid?: string): K8sStatus {
  const details: StatusDetails = { name, group: resource.group, kind: resource.plural };
  if (uid !== undefined) details.uid = uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}

/** An error that is a Kubernetes `Status`: `code` is the HTTP status, `status` the body to send. */
export class ApiError extends Error {
  readonly status: K8sStatus;
  readonly code: number;

  constructor(status: K8sStatus, options?: { cause?: unknown }) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`, options);
    this.name = 'ApiError';
    this.status = status;
    this.code = status.code;
  }

  /** The Status `reason` (`NotFound`, `Conflict`, `Invalid`, ...). */
  get reason(): string {
    return this.status.reason ?? '';
  }

  static readonly notFound = notFound;
  static readonly alreadyExists = alreadyExists;
  static readonly conflict = conflict;
  static readonly invalid = invalid;
  static readonly unprocessableEntity = unprocessableEntity;
  static readonly applyConflict = applyConflict;
  static readonly badRequest = badRequest;
  static readonly strictDecodingError = strictDecodingError;
  static readonly unsupportedMediaType = unsupportedMediaType;
  static readonly forbidden = forbidden;
  static readonly unauthorized = unauthorized;
  static readonly methodNotAllowed = methodNotAllowed;
  static readonly tooManyRequests = tooManyRequests;
  static readonly internalError = internalError;
  static readonly serviceUnavailable = serviceUnavailable;
  static readonly expired = expired;
  static readonly namespaceNotFound = namespaceNotFound;
  static readonly namespaceTerminating = namespaceTerminating;
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
