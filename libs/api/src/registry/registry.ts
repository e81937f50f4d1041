// The resource registry: every served resource, and lookups by group/version/resource or kind.
import type { ResourceInfo } from '../types.js';
import { appsResources } from './apps.resources.js';
import { coreResources } from './core.resources.js';
import * as groups from './groups.resources.js';
import { metricsResources } from './metrics.resources.js';
import { storageClassResource } from './storage.resource.js';

/** Served resources; groups in the order Kubernetes' discovery lists them. */
export const resources: readonly ResourceInfo[] = [
  ...coreResources,
  ...appsResources,
  ...groups.authenticationResources,
  ...groups.authorizationResources,
  ...groups.autoscalingResources,
  ...groups.batchResources,
  ...groups.policyResources,
  ...groups.rbacResources,
  ...groups.schedulingResources,
  ...groups.coordinationResources,
  ...groups.discoveryResources,
  storageClassResource,
  ...metricsResources,
];

/** Kinds that are only request bodies of subresources (Eviction, Scale, TokenRequest). */
export const subresourceBodies: readonly ResourceInfo[] = groups.subresourceBodies;

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function findByKind(group: string, version: string, kind: string): ResourceInfo | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.kind === kind) ?? subresourceBodies.find((r) => r.group === group && r.version === version && r.kind === kind);
}

/**
 * What kubectl's RESTMapper does with a name typed by a user: plural, singular, short name or kind
 * (any case), optionally qualified by group ("deployments.apps", "deploy").
 */
export function lookupResource(name: string): ResourceInfo[] {
  const dot = name.indexOf('.');
  const base = (dot < 0 ? name : name.slice(0, dot)).toLowerCase();
  const group = dot < 0 ? undefined : name.slice(dot + 1);
  // A version served by conversion is never the preferred one: users' names find the stored version.
  return resources.filter(
    (r) =>
      r.conversion === undefined &&
      (group === undefined || r.group === group) &&
      (r.resource === base || r.singular === base || r.kind.toLowerCase() === base || r.shortNames.includes(base)),
  );
}

/** Resources of a category ("all" for `kubectl get all`). */
export function resourcesInCategory(category: string): ResourceInfo[] {
  return resources.filter((r) => r.conversion === undefined && r.categories.includes(category));
}

export function groupVersions(): { group: string; version: string; preferred: boolean }[] {
  const seen = new Set<string>();
  const out: { group: string; version: string; preferred: boolean }[] = [];
  for (const r of resources) {
    const key = `${r.group}/${r.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // The first version a group lists is its preferred one (autoscaling: v2 before v1).
    out.push({ group: r.group, version: r.version, preferred: !out.some((g) => g.group === r.group) });
  }
  return out;
}
