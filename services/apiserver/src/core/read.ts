// get and list, with Kubernetes' resourceVersion semantics
// (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions):
// - unset: a consistent read, straight from the store (linearizable range);
// - "0": any state, served from the watch cache (no paging: limit is ignored, as Kubernetes does);
// - N with resourceVersionMatch NotOlderThan (the default): the watch cache once it reached N;
// - N with resourceVersionMatch Exact, or a continue token: the store at that revision
//   (410 Expired when compacted).
// Store lists page with limit/continue and fill each page through the selectors, as Kubernetes'
// etcd3 GetList does.

import type { KubeObject, ResourceInfo } from '@skiff/api';
import { decodeObject } from './codec.js';
import type { CoreContext } from './context.js';
import { fail } from './errors.js';
import { listPrefix } from './keys.js';
import { continueExpired, decodeContinue, encodeContinue } from './machinery.js';
import { apiVersionOf } from './meta.js';
import { guard } from './object-store.js';
import { selectionFrom, type Selection } from './selectors.js';
import { badRequest, expired, notFound, tooLargeResourceVersion } from './status.js';
import { StorageCompactedError, type StorageKV } from './storage.js';
import type { ApiRequest } from './types.js';

export type ResourceVersionQuery =
  | { readonly type: 'consistent' }
  | { readonly type: 'any' }
  | { readonly type: 'notOlderThan'; readonly revision: number }
  | { readonly type: 'exact'; readonly revision: number };

/** Parses resourceVersion / resourceVersionMatch; 400 on nonsense. */
export function resourceVersionQuery(query: URLSearchParams): ResourceVersionQuery {
  const rv = query.get('resourceVersion') ?? '';
  const match = query.get('resourceVersionMatch') ?? '';
  if (rv === '') {
    if (match !== '') fail(badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided'));
    return { type: 'consistent' };
  }
  const revision = parseRevision(rv);
  if (match === 'Exact') {
    if (revision === 0) fail(badRequest('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"'));
    return { type: 'exact', revision };
  }
  if (match !== '' && match !== 'NotOlderThan') fail(badRequest(`resourceVersionMatch: Unsupported value: "${match}"`));
  return revision === 0 ? { type: 'any' } : { type: 'notOlderThan', revision };
}

export function parseRevision(rv: string): number {
  const n = Number(rv);
  if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) fail(badRequest(`invalid resource version "${rv}"`));
  return n;
}

/** Waits (bounded by freshnessTimeoutMs) until the watch caches reached `revision`; 504 otherwise. */
export function waitForCache(ctx: CoreContext, revision: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const pending: { timer?: number } = {};
    const cancel = ctx.hub.whenAt(revision, () => {
      if (pending.timer !== undefined) ctx.clock.clearTimeout(pending.timer);
      resolve();
    });
    if (ctx.hub.isPrimed && ctx.hub.revision >= revision) return;
    pending.timer = ctx.clock.setTimeout(() => {
      cancel();
      try {
        fail(tooLargeResourceVersion(revision, ctx.hub.revision));
      } catch (err) {
        reject(err);
      }
    }, ctx.tunables.freshnessTimeoutMs);
  });
}

export async function getObject(ctx: CoreContext, info: ResourceInfo, req: ApiRequest): Promise<KubeObject> {
  const name = req.name as string;
  const rvq = resourceVersionQuery(req.query);
  if (rvq.type === 'consistent') return ctx.objects.mustGet(info, req.namespace, name);
  if (rvq.type === 'exact') {
    const { kv } = await readAt(ctx.storage.get(ctx.objects.key(info, req.namespace, name), { revision: rvq.revision }));
    if (kv === undefined) fail(notFound(info, name));
    return decodeObject(kv.value, kv.modRevision);
  }
  if (rvq.type === 'notOlderThan') await waitForCache(ctx, rvq.revision);
  else await waitForCache(ctx, 1);
  const obj = ctx.hub.cache(info.group, info.resource).get(ctx.objects.key(info, req.namespace, name));
  if (obj === undefined) fail(notFound(info, name));
  return obj;
}

export interface ListOutcome {
  readonly items: KubeObject[];
  readonly revision: number;
  readonly continueToken?: string;
  readonly remaining?: number;
}

export async function listObjects(ctx: CoreContext, info: ResourceInfo, req: ApiRequest): Promise<KubeObject> {
  const out = await listOutcome(ctx, info, req.namespace, req.query);
  return listObject(info, out);
}

export function listObject(info: ResourceInfo, out: ListOutcome): KubeObject {
  const metadata: Record<string, unknown> = { resourceVersion: String(out.revision) };
  if (out.continueToken !== undefined) metadata['continue'] = out.continueToken;
  if (out.remaining !== undefined && out.remaining > 0) metadata['remainingItemCount'] = out.remaining;
  // Kubernetes leaves apiVersion/kind out of list items (the list's own say it).
  const items = out.items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
  return { apiVersion: apiVersionOf(info.group, info.version), kind: info.listKind, metadata, items } as unknown as KubeObject;
}

export async function listOutcome(ctx: CoreContext, info: ResourceInfo, namespace: string | undefined, query: URLSearchParams): Promise<ListOutcome> {
  const selection = selectionFrom(info, query);
  const limit = parseLimit(query.get('limit'));
  const token = query.get('continue') ?? '';
  const prefix = listPrefix(info.group, info.resource, info.namespaced ? namespace : undefined);
  if (token !== '') {
    const rv = query.get('resourceVersion') ?? '';
    if (rv !== '' && rv !== '0') fail(badRequest('specifying resource version is not allowed when using continue'));
    const c = decodeContinue(token);
    return storeList(ctx, prefix, selection, limit, c.resourceVersion, prefix + c.start, true);
  }
  const rvq = resourceVersionQuery(query);
  if (rvq.type === 'consistent') return storeList(ctx, prefix, selection, limit, 0, prefix, false);
  if (rvq.type === 'exact') return storeList(ctx, prefix, selection, limit, rvq.revision, prefix, false);
  await waitForCache(ctx, rvq.type === 'notOlderThan' ? rvq.revision : 1);
  const items = ctx.hub.cache(info.group, info.resource).list(prefix).filter(selection.matches);
  return { items, revision: ctx.hub.revision };
}

function parseLimit(text: string | null): number {
  if (text === null || text === '') return 0;
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n)) fail(badRequest(`invalid limit "${text}"`));
  return Math.max(0, n);
}

/** An unlimited list still reads the store in pages: one store reply must fit in a bus message. */
export const STORE_PAGE_KEYS = 500;
/** Selective lists grow their pages up to this (Kubernetes doubles them too). */
const STORE_PAGE_KEYS_MAX = 2_000;

/** Pages through the store at one revision until `limit` objects matched (GetList). */
async function storeList(
  ctx: CoreContext,
  prefix: string,
  selection: Selection,
  limit: number,
  revision: number,
  startKey: string,
  fromToken: boolean,
): Promise<ListOutcome> {
  const items: KubeObject[] = [];
  let rev = revision;
  let start = startKey;
  let pageSize = limit > 0 ? Math.min(limit, STORE_PAGE_KEYS_MAX) : STORE_PAGE_KEYS;
  for (let guardRounds = 0; guardRounds < 100_000; guardRounds++) {
    const page = await readAt(ctx.storage.list(prefix, { startKey: start, limit: pageSize, ...(rev > 0 ? { revision: rev } : {}) }), fromToken);
    // A read at a past revision reports the store's current one (etcd's header): keep ours.
    if (rev === 0) rev = page.revision;
    let lastKey: string | undefined;
    for (let i = 0; i < page.kvs.length; i++) {
      const kv = page.kvs[i] as StorageKV;
      lastKey = kv.key;
      const obj = decodeObject(kv.value, kv.modRevision);
      if (selection.matches(obj)) items.push(obj);
      if (limit > 0 && items.length >= limit) {
        const more = i < page.kvs.length - 1 || page.more;
        if (!more) return { items, revision: rev };
        return {
          items,
          revision: rev,
          continueToken: encodeContinue(rev, `${kv.key.slice(prefix.length)}\0`),
          ...(selection.everything ? { remaining: page.remaining + (page.kvs.length - 1 - i) } : {}),
        };
      }
    }
    if (!page.more || lastKey === undefined) return { items, revision: rev };
    start = `${lastKey}\0`;
    // Selective lists read bigger pages, up to a bound that keeps a reply within a bus message.
    if (limit > 0) pageSize = Math.min(pageSize * 2, STORE_PAGE_KEYS_MAX);
  }
  return { items, revision: rev };
}

/** Reads at a revision: a compacted one is 410 Expired (a continue token's own message). */
async function readAt<T>(p: Promise<T>, fromToken = false): Promise<T> {
  try {
    return await guard(p);
  } catch (err) {
    if (err instanceof StorageCompactedError) {
      if (fromToken) continueExpired();
      fail(expired('The resourceVersion for the provided list is too old.'));
    }
    throw err;
  }
}
