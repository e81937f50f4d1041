// Pure: which endpoint an HTTP path names, and for resource paths, the Kubernetes request it is
// (apiserver's RequestInfoFactory, k8s.io/apiserver/pkg/endpoints/request/requestinfo.go):
//
//   /api/v1[/watch]/namespaces/<ns>/<resource>[/<name>[/<subresource>]]
//   /api/v1[/watch]/<resource>[/<name>[/<subresource>]]        cluster scope, or every namespace
//   /apis/<group>/<version>/...                                 the same under a named group
//
// `namespaces/<name>/status|finalize` are subresources of the namespace itself, as in Kubernetes.
// The verb comes from the method, whether a name is present and the `watch` parameter.

import { unsupportedMediaTypeStatus } from '@skiff/apimachinery';
import type { RegistryIndex, ResourceMeta } from './registry.js';

export interface ResourcePath {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  /** nodes/proxy: the rest of the path after `proxy/`. */
  readonly proxyPath?: string;
  /** The deprecated `/watch/` path prefix was used. */
  readonly watchPrefix: boolean;
}

export type Route =
  | { readonly type: 'version' }
  | { readonly type: 'health'; readonly check: 'healthz' | 'livez' | 'readyz' }
  | { readonly type: 'metrics' }
  | { readonly type: 'openapi-v2' }
  | { readonly type: 'openapi-v3-index' }
  | { readonly type: 'openapi-v3-doc'; readonly path: string }
  | { readonly type: 'api-versions' }
  | { readonly type: 'api-groups' }
  | { readonly type: 'api-group'; readonly group: string }
  | { readonly type: 'api-resources'; readonly group: string; readonly version: string }
  | { readonly type: 'resource'; readonly path: ResourcePath }
  | { readonly type: 'not-found' };

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const HEALTH = new Set(['healthz', 'livez', 'readyz']);

export function parsePath(pathname: string): Route {
  const segments = splitPath(pathname);
  if (segments === undefined) return { type: 'not-found' };
  const [first, ...rest] = segments;
  if (first === undefined) return { type: 'not-found' };
  if (rest.length === 0 && first === 'version') return { type: 'version' };
  if (rest.length === 0 && first === 'metrics') return { type: 'metrics' };
  if (rest.length === 0 && HEALTH.has(first)) return { type: 'health', check: first as 'healthz' | 'livez' | 'readyz' };
  if (first === 'openapi') return openApiRoute(rest);
  if (first === 'api') return coreRoute(rest);
  if (first === 'apis') return groupRoute(rest);
  return { type: 'not-found' };
}

function openApiRoute(rest: string[]): Route {
  if (rest[0] === 'v2' && rest.length === 1) return { type: 'openapi-v2' };
  if (rest[0] !== 'v3') return { type: 'not-found' };
  if (rest.length === 1) return { type: 'openapi-v3-index' };
  return { type: 'openapi-v3-doc', path: rest.slice(1).join('/') };
}

function coreRoute(rest: string[]): Route {
  if (rest.length === 0) return { type: 'api-versions' };
  const [version, ...parts] = rest;
  if (parts.length === 0) return { type: 'api-resources', group: '', version: version! };
  return resourceRoute('', version!, parts);
}

function groupRoute(rest: string[]): Route {
  if (rest.length === 0) return { type: 'api-groups' };
  const [group, version, ...parts] = rest;
  if (version === undefined) return { type: 'api-group', group: group! };
  if (parts.length === 0) return { type: 'api-resources', group: group!, version };
  return resourceRoute(group!, version, parts);
}

function resourceRoute(group: string, version: string, input: string[]): Route {
  let parts = input;
  const watchPrefix = parts[0] === 'watch';
  if (watchPrefix) parts = parts.slice(1);
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    // `namespaces/<ns>/<resource>...` unless the third part is a subresource of the namespace.
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
    else namespace = undefined; // a request on the namespace object itself
  }
  const [resource, name, subresource, ...extra] = parts;
  // Only a proxy subresource takes a path of its own (nodes/<name>/proxy/<path>).
  if (resource === undefined || (extra.length > 0 && subresource !== 'proxy')) return { type: 'not-found' };
  return {
    type: 'resource',
    path: {
      group,
      version,
      resource,
      ...(namespace === undefined ? {} : { namespace }),
      ...(name === undefined ? {} : { name }),
      ...(subresource === undefined ? {} : { subresource }),
      ...(subresource === 'proxy' ? { proxyPath: extra.join('/') } : {}),
      watchPrefix,
    },
  };
}

/** Segments of a path, percent-decoded; undefined for an empty segment or bad escape. */
function splitPath(pathname: string): string[] | undefined {
  const trimmed = pathname.replace(/^\/+/, '').replace(/\/$/, '');
  if (trimmed === '') return [];
  const raw = trimmed.split('/');
  try {
    const out = raw.map((s) => decodeURIComponent(s));
    return out.some((s) => s === '' || s.includes('/')) ? undefined : out;
  } catch {
    return undefined;
  }
}

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** Content types of PATCH bodies (Kubernetes' types.PatchType). */
export const PATCH_TYPES: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export interface ResolvedRequest {
  readonly verb: Verb;
  readonly resource: ResourceMeta;
  readonly group: string;
  readonly version: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly proxyPath?: string;
  readonly patchType?: PatchType;
  /** The request's query, with a name-watch turned into `fieldSelector=metadata.name=<name>`. */
  readonly query: URLSearchParams;
}

export type ResolveResult =
  | { readonly ok: true; readonly request: ResolvedRequest }
  | { readonly ok: false; readonly code: 404 | 405 | 415; readonly message: string };

const NOT_FOUND = { ok: false, code: 404, message: 'the server could not find the requested resource' } as const;
const NOT_ALLOWED = { ok: false, code: 405, message: 'the server does not allow this method on the requested resource' } as const;

/** Checks a resource path against the registry and turns method + path + query into a verb. */
export function resolveRequest(
  path: ResourcePath,
  method: string,
  query: URLSearchParams,
  contentType: string | undefined,
  index: RegistryIndex,
): ResolveResult {
  const resource = index.find(path.group, path.version, path.resource);
  if (resource === undefined) return NOT_FOUND;
  if (path.namespace !== undefined && !resource.namespaced) return NOT_FOUND;
  // A namespaced object is always addressed within its namespace; only collections span them all.
  if (resource.namespaced && path.namespace === undefined && path.name !== undefined) return NOT_FOUND;
  const sub = path.subresource === undefined ? undefined : resource.subresources.find((s) => s.name === path.subresource);
  if (path.subresource !== undefined && sub === undefined) return NOT_FOUND;

  const verb = verbOf(method, path, query);
  if (verb === undefined) return NOT_ALLOWED;
  // Subresources list the verbs of their HTTP methods: get, update, patch, create (POST).
  const allowed = sub === undefined ? resource.verbs : sub.verbs;
  if (!allowed.includes(verb)) return NOT_ALLOWED;

  let patchType: PatchType | undefined;
  if (verb === 'patch') {
    patchType = contentType === undefined ? undefined : PATCH_TYPES[contentType];
    if (patchType === undefined) {
      return {
        ok: false,
        code: 415,
        message: unsupportedMediaTypeStatus(Object.keys(PATCH_TYPES)).message ?? '',
      };
    }
  }
  return {
    ok: true,
    request: {
      verb,
      resource,
      group: path.group,
      version: path.version,
      ...(path.namespace === undefined ? {} : { namespace: path.namespace }),
      ...(path.name === undefined || verb === 'watch' ? {} : { name: path.name }),
      ...(path.subresource === undefined ? {} : { subresource: path.subresource }),
      ...(path.proxyPath === undefined ? {} : { proxyPath: path.proxyPath }),
      ...(patchType === undefined ? {} : { patchType }),
      query: verb === 'watch' && path.name !== undefined ? withNameSelector(query, path.name) : query,
    },
  };
}

function verbOf(method: string, path: ResourcePath, query: URLSearchParams): Verb | undefined {
  const named = path.name !== undefined;
  switch (method) {
    case 'GET':
      if (path.watchPrefix || isTrue(query.get('watch'))) return path.subresource === undefined ? 'watch' : undefined;
      return named ? 'get' : 'list';
    case 'POST':
      // POST creates in a collection, or on a subresource of a named object (binding, eviction, token).
      if (path.watchPrefix) return undefined;
      if (!named) return 'create';
      return path.subresource === undefined ? undefined : 'create';
    case 'PUT':
      return named && !path.watchPrefix ? 'update' : undefined;
    case 'PATCH':
      return named && !path.watchPrefix ? 'patch' : undefined;
    case 'DELETE':
      if (path.watchPrefix || path.subresource !== undefined) return undefined;
      return named ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

/** Kubernetes reads boolean query parameters with strconv.ParseBool. */
export function isTrue(value: string | null): boolean {
  return value !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);
}

function withNameSelector(query: URLSearchParams, name: string): URLSearchParams {
  const out = new URLSearchParams(query);
  const existing = out.get('fieldSelector');
  const byName = `metadata.name=${name}`;
  out.set('fieldSelector', existing === null || existing === '' ? byName : `${existing},${byName}`);
  return out;
}
