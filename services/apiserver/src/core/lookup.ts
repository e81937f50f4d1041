// Reads of other objects that admission and subresources need (namespaces, priority classes,
// service accounts, disruption budgets): the watch cache first, the store when the cache does not
// have it (yet), as Kubernetes' admission plugins fall back to a live lookup.

import type { KubeObject } from '@skiff/api';
import type { CoreContext } from './context.js';
import { listPrefix } from './keys.js';

export async function lookup(ctx: CoreContext, group: string, resource: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
  const info = ctx.registry.findResource(group, resource);
  if (info === undefined) return undefined;
  if (ctx.hub.isPrimed) {
    const cached = ctx.hub.cache(group, resource).get(ctx.objects.key(info, namespace, name));
    if (cached !== undefined) return cached;
  }
  return ctx.objects.get(info, namespace, name);
}

/** A live (linearizable) read, for decisions that must see the latest state. */
export async function lookupLive(ctx: CoreContext, group: string, resource: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
  const info = ctx.registry.findResource(group, resource);
  return info === undefined ? undefined : ctx.objects.get(info, namespace, name);
}

/** Every cached object of a resource (in one namespace when given). */
export function cachedList(ctx: CoreContext, group: string, resource: string, namespace?: string): KubeObject[] {
  const info = ctx.registry.findResource(group, resource);
  if (info === undefined) return [];
  return ctx.hub.cache(group, resource).list(listPrefix(group, resource, info.namespaced ? namespace : undefined));
}
