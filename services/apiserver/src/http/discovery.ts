// Pure: the discovery documents, built from the registry.
// - Aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList, KEP-3352): `/api` lists the
//   core group "" and `/apis` every named group, each resource with its kind, scope, verbs, short
//   names, categories and subresources. kubectl 1.32 asks for it first.
// - Legacy documents (APIVersions, APIGroupList, APIGroup, APIResourceList) for clients that do not
//   ask for the aggregated form; `kubectl drain` and `auth can-i` read `/api/v1` this way, where
//   subresources appear as `pods/eviction` entries with their own group, version and kind.

import type { RegistryIndex, ResourceMeta, SubresourceMeta } from './registry.js';

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

function groupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

function byName(a: ResourceMeta, b: ResourceMeta): number {
  return a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0;
}

function subresourceKind(parent: ResourceMeta, sub: SubresourceMeta): GroupVersionKind {
  return { group: sub.group ?? parent.group, version: sub.version ?? parent.version, kind: sub.kind };
}

function nonEmpty<K extends string>(key: K, list: readonly string[]): Partial<Record<K, string[]>> {
  return list.length === 0 ? {} : ({ [key]: [...list] } as Record<K, string[]>);
}

function discoveryResource(r: ResourceMeta): Record<string, unknown> {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: [...r.verbs],
    ...nonEmpty('shortNames', r.shortNames),
    ...nonEmpty('categories', r.categories),
    ...(r.subresources.length === 0
      ? {}
      : {
          subresources: r.subresources.map((s) => ({
            subresource: s.name,
            responseKind: subresourceKind(r, s),
            verbs: [...s.verbs],
          })),
        }),
  };
}

/** Aggregated discovery: `core` true for `/api` (the group ""), false for `/apis` (every other group). */
export function aggregatedDiscovery(index: RegistryIndex, core: boolean, version: 'v2' | 'v2beta1' = 'v2'): object {
  const items = [...index.groups.entries()]
    .filter(([group]) => (group === '') === core)
    .map(([group, versions]) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: index.resourcesOf(group, v).sort(byName).map(discoveryResource),
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

/** `/api`: the core group's versions, and where clients reach the server. */
export function apiVersions(index: RegistryIndex, serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: [...(index.groups.get('') ?? [])],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: string, versions: readonly string[]): Record<string, unknown> {
  const list = versions.map((v) => ({ groupVersion: groupVersion(group, v), version: v }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(index: RegistryIndex): object {
  const groups = [...index.groups.entries()].filter(([group]) => group !== '').map(([g, versions]) => apiGroup(g, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** `/apis/<group>`, or undefined when the group is unknown. */
export function apiGroupDocument(index: RegistryIndex, group: string): object | undefined {
  const versions = index.groups.get(group);
  if (group === '' || versions === undefined) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

/** `/api/v1`, `/apis/<group>/<version>`, or undefined when the group-version is unknown. */
export function apiResourceList(index: RegistryIndex, group: string, version: string): object | undefined {
  if (!index.hasGroupVersion(group, version)) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const r of index.resourcesOf(group, version).sort(byName)) {
    resources.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: [...r.verbs],
      ...nonEmpty('shortNames', r.shortNames),
      ...nonEmpty('categories', r.categories),
    });
    for (const s of r.subresources) {
      const gvk = subresourceKind(r, s);
      resources.push({
        name: `${r.resource}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        // Only a subresource of another group-version names it (pods/eviction: policy/v1 Eviction).
        ...(gvk.group === group && gvk.version === version ? {} : { group: gvk.group, version: gvk.version }),
        kind: gvk.kind,
        verbs: [...s.verbs],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}
