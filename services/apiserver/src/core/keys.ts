// The store layout of API objects, as Kubernetes lays them out in etcd (with the group always
// present, "core" for the legacy group, so that every resource has a prefix of its own):
//   /registry/<group|core>/<resource>/<namespace>/<name>    namespaced
//   /registry/<group|core>/<resource>/<name>                cluster-scoped

export const REGISTRY_PREFIX = '/registry/';

export function resourcePrefix(group: string, resource: string): string {
  return `${REGISTRY_PREFIX}${group === '' ? 'core' : group}/${resource}/`;
}

/** Prefix of one namespace's objects of a resource (namespace undefined: all of them). */
export function listPrefix(group: string, resource: string, namespace: string | undefined): string {
  const p = resourcePrefix(group, resource);
  return namespace === undefined ? p : `${p}${namespace}/`;
}

export function objectKey(group: string, resource: string, namespace: string | undefined, name: string): string {
  return `${listPrefix(group, resource, namespace)}${name}`;
}

export interface ParsedKey {
  readonly group: string;
  readonly resource: string;
  /** `${group}/${resource}`: the watch cache's index. */
  readonly resourceId: string;
  /** undefined for a cluster-scoped key. */
  readonly namespace: string | undefined;
  readonly name: string;
}

/** Splits a registry key; undefined for keys outside the layout. */
export function parseKey(key: string): ParsedKey | undefined {
  if (!key.startsWith(REGISTRY_PREFIX)) return undefined;
  const parts = key.slice(REGISTRY_PREFIX.length).split('/');
  if (parts.length !== 3 && parts.length !== 4) return undefined;
  if (parts.some((p) => p.length === 0)) return undefined;
  const group = parts[0] === 'core' ? '' : (parts[0] as string);
  const resource = parts[1] as string;
  const namespace = parts.length === 4 ? parts[2] : undefined;
  return { group, resource, resourceId: resourceId(group, resource), namespace, name: parts[parts.length - 1] as string };
}

export function resourceId(group: string, resource: string): string {
  return `${group}/${resource}`;
}
