// Steps every write shares: type meta, the request namespace, validation (422), dry runs.

import type { FieldError, KubeObject, ResourceInfo } from '@skiff/api';
import { fail } from './errors.js';
import { apiVersionOf } from './meta.js';
import { badRequest, invalid } from './status.js';

/** dryRun=All: run everything, store nothing. */
export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All' && v !== '') fail(badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`));
  return values.includes('All');
}

/** The body as an object of this resource's kind (apiVersion/kind filled in when absent). */
export function asObject(info: ResourceInfo, body: unknown): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail(badRequest('the request body must be an object'));
  const obj = structuredClone(body) as KubeObject;
  const apiVersion = apiVersionOf(info.group, info.version);
  if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== info.kind) fail(badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${info.kind})`));
  if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== apiVersion) {
    fail(badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion})`));
  }
  obj.apiVersion = apiVersion;
  obj.kind = info.kind;
  if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) obj.metadata = {} as KubeObject['metadata'];
  return obj;
}

/** rest.EnsureObjectNamespaceMatchesRequestNamespace. */
export function ensureNamespace(info: ResourceInfo, obj: KubeObject, requestNamespace: string | undefined): void {
  const want = info.namespaced ? (requestNamespace ?? '') : '';
  const have = obj.metadata.namespace ?? '';
  if (have === want) return;
  if (have === '' && want !== '') obj.metadata.namespace = want;
  else if (want === '') delete obj.metadata.namespace;
  else fail(badRequest('the namespace of the provided object does not match the namespace sent on the request'));
}

/**
 * The kind's validation (which checks ObjectMeta with the kind's own naming rule: `system:node`
 * is a valid ClusterRole name, a review has no name); 422 Invalid listing every field error.
 */
export function validateOrFail(info: ResourceInfo, obj: KubeObject, old?: KubeObject): void {
  const errors = dedupe(info.validate(obj, old));
  if (errors.length > 0) fail(invalid(info.kind, info.group, obj.metadata.name ?? '', errors));
}

function dedupe(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.type}\0${e.field}\0${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
