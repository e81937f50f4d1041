// Which resources the core serves: the @skiff/api registry (injectable, so tests and later CRDs
// can add kinds). Storage is per group/resource, whatever the version asked for.

import type { ResourceInfo } from '@skiff/api';
import { fail } from './errors.js';
import { notFoundPath, type GroupResource } from './status.js';

export interface Registry {
  readonly all: readonly ResourceInfo[];
  find(group: string, version: string, resource: string): ResourceInfo | undefined;
  /** Any version of a group/resource (the storage version). */
  findResource(group: string, resource: string): ResourceInfo | undefined;
  findKind(group: string, kind: string): ResourceInfo | undefined;
}

export function createRegistry(resources: readonly ResourceInfo[]): Registry {
  const byGVR = new Map<string, ResourceInfo>();
  const byGR = new Map<string, ResourceInfo>();
  const byGK = new Map<string, ResourceInfo>();
  for (const r of resources) {
    byGVR.set(`${r.group}/${r.version}/${r.resource}`, r);
    if (!byGR.has(`${r.group}/${r.resource}`)) byGR.set(`${r.group}/${r.resource}`, r);
    if (!byGK.has(`${r.group}/${r.kind}`)) byGK.set(`${r.group}/${r.kind}`, r);
  }
  return {
    all: resources,
    find: (g, v, r) => byGVR.get(`${g}/${v}/${r}`),
    findResource: (g, r) => byGR.get(`${g}/${r}`),
    findKind: (g, k) => byGK.get(`${g}/${k}`),
  };
}

export function mustFind(registry: Registry, group: string, version: string, resource: string): ResourceInfo {
  const info = registry.find(group, version, resource);
  if (info === undefined) fail(notFoundPath());
  return info;
}

export function groupResource(info: ResourceInfo): GroupResource {
  return { group: info.group, resource: info.resource };
}
