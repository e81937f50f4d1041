import { describe, expect, it } from 'vitest';
import {
  ApiError,
  apiErrors,
  applyConflictStatus,
  conflictStatus,
  fieldErrors,
  forbiddenReason,
  forbiddenStatus,
  genericServerResponseStatus,
  internalErrorStatus,
  invalidStatus,
  methodNotSupportedStatus,
  notFoundStatus,
  alreadyExistsStatus,
  statusFromError,
  tooOldResourceVersionStatus,
  unsupportedMediaTypeStatus,
  requestEntityTooLargeStatus,
  tooManyRequestsStatus,
  timeoutStatus,
  unauthorizedStatus,
} from '../src/index.js';

const pods = { group: '', resource: 'pods' };
const deployments = { group: 'apps', resource: 'deployments' };

describe('Status builders (errors.NewXxx)', () => {
  it('NotFound serializes exactly like the Kubernetes API server', () => {
    expect(JSON.stringify(notFoundStatus(pods, 'x'))).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"x\\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}',
    );
    expect(notFoundStatus(deployments, 'web').message).toBe('deployments.apps "web" not found');
    expect(notFoundStatus(deployments, 'web').details).toEqual({ name: 'web', group: 'apps', kind: 'deployments' });
  });

  it('AlreadyExists and Conflict', () => {
    expect(alreadyExistsStatus(pods, 'x')).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'pods "x" already exists' });
    expect(conflictStatus(pods, 'x')).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on pods "x": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('Invalid joins field errors and lists them as causes', () => {
    const one = invalidStatus({ group: '', kind: 'Pod' }, 'bad', [fieldErrors.required('spec.containers')]);
    expect(one.message).toBe('Pod "bad" is invalid: spec.containers: Required value');
    expect(one.code).toBe(422);
    expect(one.details).toEqual({
      name: 'bad',
      kind: 'Pod',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }],
    });
    const two = invalidStatus({ group: 'apps', kind: 'Deployment' }, 'web', [
      fieldErrors.invalid('spec.replicas', -1, 'must be greater than or equal to 0'),
      fieldErrors.notSupported('spec.strategy.type', 'Fast', ['Recreate', 'RollingUpdate']),
      fieldErrors.invalid('spec.replicas', -1, 'must be greater than or equal to 0'),
    ]);
    expect(two.message).toBe(
      'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, ' +
        'spec.strategy.type: Unsupported value: "Fast": supported values: "Recreate", "RollingUpdate"]',
    );
    expect(two.details?.causes).toHaveLength(3);
    expect(invalidStatus({ group: '', kind: 'Pod' }, 'p', []).message).toBe('Pod "p" is invalid');
  });

  it('Forbidden with the RBAC denial text', () => {
    const reason = forbiddenReason({ user: 'u', verb: 'get', resource: 'pods', apiGroup: '', namespace: 'default' });
    expect(forbiddenStatus(pods, 'x', reason).message).toBe(
      'pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "default"',
    );
    expect(forbiddenReason({ user: 'u', verb: 'list', resource: 'nodes', apiGroup: '' })).toBe(
      'User "u" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    expect(forbiddenReason({ user: 'u', verb: 'create', resource: 'pods', subresource: 'eviction', namespace: 'ns' })).toBe(
      'User "u" cannot create resource "pods/eviction" in API group "" in the namespace "ns"',
    );
    expect(forbiddenReason({ user: 'u', verb: 'get', path: '/healthz' })).toBe('User "u" cannot get path "/healthz"');
    expect(forbiddenStatus(pods, '', 'no').message).toBe('pods is forbidden: no');
  });

  it('the remaining reasons and codes', () => {
    expect(unauthorizedStatus('Unauthorized')).toMatchObject({ code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
    expect(unauthorizedStatus().message).toBe('not authorized');
    expect(methodNotSupportedStatus(pods, 'watch')).toMatchObject({
      code: 405,
      reason: 'MethodNotAllowed',
      message: 'watch is not supported on resources of kind "pods"',
    });
    expect(tooOldResourceVersionStatus(5, 10)).toMatchObject({ code: 410, reason: 'Expired', message: 'too old resource version: 5 (10)' });
    expect(requestEntityTooLargeStatus('limit is 3145728')).toMatchObject({ code: 413, message: 'Request entity too large: limit is 3145728' });
    expect(unsupportedMediaTypeStatus(['application/json-patch+json', 'application/merge-patch+json'])).toMatchObject({
      code: 415,
      reason: 'UnsupportedMediaType',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json',
    });
    expect(tooManyRequestsStatus('slow down', 5)).toMatchObject({ code: 429, details: { retryAfterSeconds: 5 } });
    expect(internalErrorStatus('boom')).toMatchObject({ code: 500, message: 'Internal error occurred: boom', details: { causes: [{ message: 'boom' }] } });
    expect(timeoutStatus('request did not complete within 60s')).toMatchObject({ code: 504, message: 'Timeout: request did not complete within 60s' });
    expect(genericServerResponseStatus(422)).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
      details: {},
    });
  });

  it('apply conflicts keep only the causes in the details', () => {
    const status = applyConflictStatus(
      [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field: '.data.k1' }],
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.k1',
    );
    expect(JSON.stringify(status)).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Apply failed with 1 conflict: conflict with \\"kubectl-client-side-apply\\" using v1: .data.k1","reason":"Conflict","details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \\"kubectl-client-side-apply\\" using v1","field":".data.k1"}]},"code":409}',
    );
  });
});

describe('ApiError', () => {
  it('carries its Status; anything else becomes a 500', () => {
    const error = apiErrors.notFound(pods, 'x');
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(404);
    expect(error.reason).toBe('NotFound');
    expect(error.message).toBe('pods "x" not found');
    expect(statusFromError(error)).toBe(error.status);
    expect(statusFromError(new Error('disk on fire'))).toMatchObject({ code: 500, reason: 'InternalError' });
    expect(statusFromError('weird')).toMatchObject({ code: 500, message: 'Internal error occurred: weird' });
  });
});
