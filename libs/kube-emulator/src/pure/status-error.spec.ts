import { describe, expect, it } from 'vitest';
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  deletedStatus,
  expired,
  forbidden,
  internalError,
  invalid,
  isApiError,
  methodNotAllowed,
  namespaceNotFound,
  namespaceTerminating,
  notFound,
  serviceUnavailable,
  strictDecodingError,
  tooManyRequests,
  unauthorized,
  unprocessableEntity,
  unsupportedMediaType,
} from './status-error.ts';

const amko = { group: 'amko.vmware.com', plural: 'amkoclusters' };
const secrets = { group: '', plural: 'secrets' };
const base = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure' };

describe('status errors', () => {
  describe('when a resource error is built', () => {
    it.each([
      {
        name: 'notFound (custom group)',
        error: notFound(amko, 'a2'),
        status: { ...base, message: 'amkoclusters.amko.vmware.com "a2" not found', reason: 'NotFound', details: { name: 'a2', group: 'amko.vmware.com', kind: 'amkoclusters' }, code: 404 },
      },
      {
        name: 'notFound (core group)',
        error: notFound(secrets, 'x'),
        status: { ...base, message: 'secrets "x" not found', reason: 'NotFound', details: { name: 'x', group: '', kind: 'secrets' }, code: 404 },
      },
      {
        name: 'alreadyExists',
        error: alreadyExists(amko, 'a1'),
        status: { ...base, message: 'amkoclusters.amko.vmware.com "a1" already exists', reason: 'AlreadyExists', details: { name: 'a1', group: 'amko.vmware.com', kind: 'amkoclusters' }, code: 409 },
      },
      {
        name: 'conflict (the shape verified with client-node)',
        error: conflict({ group: 'ako.vmware.com', plural: 'amkoclusters' }, 'a1'),
        status: {
          ...base,
          message:
            'Operation cannot be fulfilled on amkoclusters.ako.vmware.com "a1": the object has been modified; please apply your changes to the latest version and try again',
          reason: 'Conflict',
          details: { name: 'a1', group: 'ako.vmware.com', kind: 'amkoclusters' },
          code: 409,
        },
      },
      {
        name: 'namespaceNotFound',
        error: namespaceNotFound('avi-system'),
        status: { ...base, message: 'namespaces "avi-system" not found', reason: 'NotFound', details: { name: 'avi-system', group: '', kind: 'namespaces' }, code: 404 },
      },
    ])('renders $name exactly', ({ error, status }) => {
      expect(error.status).toEqual(status);
      expect(error.code).toBe(status.code);
      expect(error.message).toBe(status.message);
    });
  });

  describe('when an object is invalid', () => {
    const cause = { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.port in body must be of type integer: "string"', field: 'spec.port' };
    const other = { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.x' };

    it('names the kind, group and the single cause', () => {
      const error = invalid('AMKOCluster', 'ako.vmware.com', 'x', [cause]);
      expect(error.status).toEqual({
        ...base,
        message: 'AMKOCluster.ako.vmware.com "x" is invalid: spec.port: Invalid value: "string": spec.port in body must be of type integer: "string"',
        reason: 'Invalid',
        details: { name: 'x', group: 'ako.vmware.com', kind: 'AMKOCluster', causes: [cause] },
        code: 422,
      });
    });

    it('brackets several causes and drops repeated ones', () => {
      const error = invalid('GSLBConfig', 'amko.vmware.com', 'gc-1', [cause, other, cause]);
      expect(error.message).toBe(
        'GSLBConfig.amko.vmware.com "gc-1" is invalid: [spec.port: Invalid value: "string": spec.port in body must be of type integer: "string", spec.x: Required value]',
      );
      expect(error.status.details?.causes).toHaveLength(3);
    });

    it('writes a core kind without a group suffix', () => {
      expect(invalid('Secret', '', 's', [other]).message).toBe('Secret "s" is invalid: spec.x: Required value');
    });
  });

  describe('when a request-level error is built', () => {
    it.each([
      { error: badRequest('bad'), code: 400, reason: 'BadRequest', message: 'bad' },
      {
        error: strictDecodingError(['spec.foo', 'spec.bar']),
        code: 400,
        reason: 'BadRequest',
        message: 'strict decoding error: unknown field "spec.foo", unknown field "spec.bar"',
      },
      { error: unauthorized(), code: 401, reason: 'Unauthorized', message: 'Unauthorized' },
      {
        error: forbidden(secrets, 'gslb-config-secret', { user: 'system:anonymous', verb: 'get', namespace: 'avi-system' }),
        code: 403,
        reason: 'Forbidden',
        message: 'secrets "gslb-config-secret" is forbidden: User "system:anonymous" cannot get resource "secrets" in API group "" in the namespace "avi-system"',
      },
      {
        error: forbidden({ group: 'amko.vmware.com', plural: 'gslbconfigs' }, '', { user: 'bob', verb: 'list' }),
        code: 403,
        reason: 'Forbidden',
        message: 'gslbconfigs.amko.vmware.com is forbidden: User "bob" cannot list resource "gslbconfigs" in API group "amko.vmware.com" at the cluster scope',
      },
      {
        error: methodNotAllowed(amko, 'deletecollection'),
        code: 405,
        reason: 'MethodNotAllowed',
        message: 'deletecollection is not supported on resources of kind "amkoclusters.amko.vmware.com"',
      },
      { error: expired('too old resource version: 5 (120)'), code: 410, reason: 'Expired', message: 'too old resource version: 5 (120)' },
      {
        error: unsupportedMediaType('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml'),
        code: 415,
        reason: 'UnsupportedMediaType',
        message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      },
      { error: unprocessableEntity('testing value /a failed: test failed'), code: 422, reason: 'Invalid', message: 'testing value /a failed: test failed' },
      { error: tooManyRequests(3), code: 429, reason: 'TooManyRequests', message: 'Too many requests, please try again later.' },
      { error: internalError('boom'), code: 500, reason: 'InternalError', message: 'Internal error occurred: boom' },
      { error: serviceUnavailable('the server is shutting down'), code: 503, reason: 'ServiceUnavailable', message: 'the server is shutting down' },
    ])('gives $code $reason', ({ error, code, reason, message }) => {
      expect(error.status).toMatchObject({ ...base, code, reason, message });
      expect(error.code).toBe(code);
      expect(error.reason).toBe(reason);
    });

    it('puts retryAfterSeconds in the details of a 429', () => {
      expect(tooManyRequests(7).status.details).toEqual({ retryAfterSeconds: 7 });
    });

    it('forbids content in a terminating namespace naming the object and the namespace cause', () => {
      const error = namespaceTerminating('avi-system', secrets, 's1');
      expect(error.code).toBe(403);
      expect(error.message).toBe('secrets "s1" is forbidden: unable to create new content in namespace avi-system because it is being terminated');
      expect(error.status.details?.causes).toEqual([{ reason: 'NamespaceTerminating', message: 'namespace avi-system is being terminated', field: 'metadata.namespace' }]);
    });

    it('names the namespace when no object is given for a terminating namespace', () => {
      expect(namespaceTerminating('ns1').message).toBe('namespaces "ns1" is forbidden: unable to create new content in namespace ns1 because it is being terminated');
    });
  });

  describe('when used as an error', () => {
    it('is an Error and an ApiError with a stable code', () => {
      const error = notFound(amko, 'a');
      expect(error).toBeInstanceOf(Error);
      expect(isApiError(error)).toBe(true);
      expect(isApiError(new Error('x'))).toBe(false);
      expect(error.name).toBe('ApiError');
    });

    it('offers the same factories as static members', () => {
      expect(ApiError.notFound(amko, 'a').status).toEqual(notFound(amko, 'a').status);
      expect(ApiError.badRequest('m').status).toEqual(badRequest('m').status);
    });

    it('keeps a cause', () => {
      const root = new Error('root');
      expect(new ApiError(badRequest('x').status, { cause: root }).cause).toBe(root);
    });
  });

  describe('when a delete succeeds', () => {
    it('returns the Success status with the uid', () => {
      expect(deletedStatus(amko, 'a1', 'u-1')).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: 'a1', group: 'amko.vmware.com', kind: 'amkoclusters', uid: 'u-1' },
        code: 200,
      });
    });
  });
});
