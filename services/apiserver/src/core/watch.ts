// Watches, served from the watch cache (Kubernetes' cacher.Watch):
// - resourceVersion unset or "0" (or sendInitialEvents=true): synthetic ADDED events for the current
//   state, then live events; unset waits until the cache caught up with the store (consistent);
// - resourceVersion N: every event after N from the cache's window, then live; when the window no
//   longer reaches back to N, a single ERROR event with a 410 Expired Status ends the stream;
// - allowWatchBookmarks: a BOOKMARK with the cache's resourceVersion every bookmarkIntervalMs, and
//   after the initial events when sendInitialEvents asked for them;
// - timeoutSeconds ends the stream; without it, the stream lasts until cancel() or a cache relist.
// Selectors filter events; an object that stops matching is seen as DELETED (watch-cache.ts).

import type { KubeObject, ResourceInfo } from '@skiff/api';
import { AsyncQueue } from './async-queue.js';
import type { CoreContext } from './context.js';
import { fail } from './errors.js';
import { listPrefix } from './keys.js';
import { apiVersionOf } from './meta.js';
import { guard } from './object-store.js';
import { parseRevision, waitForCache } from './read.js';
import { selectionFrom } from './selectors.js';
import { badRequest, expired } from './status.js';
import type { ApiRequest, ApiResult, WatchEvent } from './types.js';
import { toWatchEvent, type CacheWatcher, type ResourceWatchCache } from './watch-cache.js';

export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

interface WatchParams {
  readonly start: { readonly type: 'initial' } | { readonly type: 'from'; readonly revision: number };
  readonly consistent: boolean;
  readonly bookmarks: boolean;
  readonly initialEventsEnd: boolean;
  readonly timeoutMs: number | undefined;
}

function watchParams(query: URLSearchParams): WatchParams {
  const rv = query.get('resourceVersion') ?? '';
  const revision = rv === '' ? 0 : parseRevision(rv);
  const sendInitial = query.get('sendInitialEvents');
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  if (sendInitial !== null && sendInitial !== '') {
    if (query.get('resourceVersionMatch') !== 'NotOlderThan') fail(badRequest('sendInitialEvents requires resourceVersionMatch=NotOlderThan'));
    if (sendInitial === 'true' && !bookmarks) fail(badRequest('sendInitialEvents requires allowWatchBookmarks=true'));
  }
  const initial = sendInitial === 'true' || revision === 0;
  const timeout = query.get('timeoutSeconds');
  const timeoutSeconds = timeout === null || timeout === '' ? undefined : Number(timeout);
  if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds >= 0)) fail(badRequest(`invalid timeoutSeconds "${timeout}"`));
  return {
    start: initial ? { type: 'initial' } : { type: 'from', revision },
    consistent: rv === '',
    bookmarks,
    initialEventsEnd: sendInitial === 'true',
    timeoutMs: timeoutSeconds === undefined || timeoutSeconds === 0 ? undefined : timeoutSeconds * 1000,
  };
}

export async function watchObjects(ctx: CoreContext, info: ResourceInfo, req: ApiRequest, fixedName?: string): Promise<ApiResult> {
  const params = watchParams(req.query);
  const selection = selectionFrom(info, req.query);
  const nameFilter = fixedName;
  const matches = nameFilter === undefined ? selection.matches : (o: KubeObject) => o.metadata.name === nameFilter && selection.matches(o);
  const freshAt = params.consistent ? await guard(ctx.storage.currentRevision()) : params.start.type === 'from' ? params.start.revision : 1;
  await waitForCache(ctx, freshAt);

  const cache = ctx.hub.cache(info.group, info.resource);
  const keyPrefix = listPrefix(info.group, info.resource, info.namespaced ? req.namespace : undefined);
  const initial = params.start.type === 'initial' ? cache.list(keyPrefix).filter(matches) : [];
  const watch = new ApiWatch(ctx, info, cache, keyPrefix, matches, ctx.tunables.watchQueueMax + initial.length + 2);

  if (params.start.type === 'from') {
    const since = cache.since(params.start.revision);
    if (since.type === 'expired') {
      watch.send({ type: 'ERROR', object: expired(`too old resource version: ${params.start.revision} (${since.floorRevision})`) as unknown as KubeObject });
      watch.end();
      return watch.result();
    }
    for (const e of since.events) {
      const out = toWatchEvent(e, matches);
      if (out !== undefined) watch.send(out);
    }
  } else {
    for (const obj of initial) watch.send({ type: 'ADDED', object: obj });
    if (params.initialEventsEnd) watch.sendBookmark(true);
  }
  cache.addWatcher(watch);
  if (params.bookmarks) watch.startBookmarks(ctx.tunables.bookmarkIntervalMs);
  if (params.timeoutMs !== undefined) watch.endAfter(params.timeoutMs);
  return watch.result();
}

class ApiWatch implements CacheWatcher {
  private readonly queue: AsyncQueue<WatchEvent>;
  private bookmarkTimer: number | undefined;
  private timeoutTimer: number | undefined;

  constructor(
    private readonly ctx: CoreContext,
    private readonly info: ResourceInfo,
    private readonly cache: ResourceWatchCache,
    readonly keyPrefix: string,
    readonly matches: (obj: KubeObject) => boolean,
    capacity: number,
  ) {
    this.queue = new AsyncQueue<WatchEvent>(capacity, { onClose: () => this.cleanup() });
  }

  send(event: WatchEvent): boolean {
    return this.queue.push(event);
  }

  end(): void {
    this.queue.end();
  }

  sendBookmark(initialEventsEnd = false): void {
    const metadata: Record<string, unknown> = { resourceVersion: String(this.ctx.hub.revision) };
    if (initialEventsEnd) metadata['annotations'] = { [INITIAL_EVENTS_END]: 'true' };
    this.send({ type: 'BOOKMARK', object: { apiVersion: apiVersionOf(this.info.group, this.info.version), kind: this.info.kind, metadata } as KubeObject });
  }

  startBookmarks(intervalMs: number): void {
    this.bookmarkTimer = this.ctx.clock.setTimeout(() => {
      this.bookmarkTimer = undefined;
      if (this.queue.ended) return;
      this.sendBookmark();
      this.startBookmarks(intervalMs);
    }, intervalMs);
  }

  endAfter(ms: number): void {
    this.timeoutTimer = this.ctx.clock.setTimeout(() => {
      this.timeoutTimer = undefined;
      this.end();
    }, ms);
  }

  result(): ApiResult {
    return { kind: 'watch', events: this.queue, cancel: () => this.queue.cancel() };
  }

  private cleanup(): void {
    this.cache.removeWatcher(this);
    if (this.bookmarkTimer !== undefined) this.ctx.clock.clearTimeout(this.bookmarkTimer);
    if (this.timeoutTimer !== undefined) this.ctx.clock.clearTimeout(this.timeoutTimer);
    this.bookmarkTimer = undefined;
    this.timeoutTimer = undefined;
  }
}
