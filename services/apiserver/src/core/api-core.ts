// createApiCore: the REST core the HTTP and NATS fronts call (apiserver-contract.md). It owns the
// storage adapter, the watch caches (one store watch, cacher.machine.ts), the admission chain and
// the bootstrap objects; handle() routes one request to its verb or subresource.

import { createActor, type Actor, type InspectionEvent } from 'xstate';
import { resources as apiResources, type KubeObject, type ResourceInfo } from '@skiff/api';
import type { Clock, Random } from '@skiff/core';
import type { StoreClient } from '@skiff/store-client';
import type { AdmissionPlugin } from './admission/admission.js';
import { DEFAULT_ADMISSION_PLUGINS } from './admission/plugins.js';
import { bootstrap } from './bootstrap.js';
import { cacherMachine } from './cacher.machine.js';
import { silentLogger, type CoreContext, type CoreLogger, type CoreTunables } from './context.js';
import { createFromRequest } from './create.js';
import { handleConverted } from './conversion.js';
import { deleteCollection, deleteFromRequest, deleteOptionsFrom } from './delete.js';
import { fail } from './errors.js';
import { deleteNamespace, NamespaceCleaner } from './namespace-deletion.js';
import { handleMetrics, type KubeletStatsSource } from './metrics/metrics-api.js';
import { ObjectStore } from './object-store.js';
import { patchFromRequest } from './patch.js';
import { getObject, listObjects } from './read.js';
import { createRegistry, groupResource, mustFind, type Registry } from './registry.js';
import { badRequest, methodNotSupported, notFoundPath, notImplemented } from './status.js';
import type { Storage } from './storage.js';
import { storeClientStorage } from './storage-store-client.js';
import { createBinding } from './subresources/binding.js';
import { createEviction } from './subresources/eviction.js';
import { REVIEWS } from './subresources/reviews.js';
import { getScale, patchScale, updateScale } from './subresources/scale.js';
import { createToken } from './subresources/token.js';
import type { ApiCore, ApiRequest, ApiResult, NodeProxySource, PodLogSource } from './types.js';
import { updateFromRequest } from './update.js';
import { watchObjects } from './watch.js';
import { WatchCacheHub } from './watch-cache-hub.js';

export interface ApiCoreOptions {
  /** The store; or `storage` directly (tests: MemoryStorage). One of the two is required. */
  readonly store?: StoreClient;
  readonly storage?: Storage;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger?: CoreLogger;
  /** The kinds served; default @skiff/api's registry. */
  readonly resources?: readonly ResourceInfo[];
  readonly admission?: readonly AdmissionPlugin[];
  /** Default 10.96.0.0/12 (Kubernetes' default). */
  readonly serviceClusterIpRange?: string;
  /** The `kubernetes` Service's targetPort. Default 6443. */
  readonly apiserverPort?: number;
  /** Shared by all replicas so each verifies the others' tokens; default: drawn from `random` (single replica). */
  readonly tokenSigningKey?: Uint8Array | string;
  readonly tokenIssuer?: string;
  readonly bookmarkIntervalMs?: number;
  readonly freshnessTimeoutMs?: number;
  readonly watchQueueMax?: number;
  /** Events kept per resource in the watch cache. Default 5,000. */
  readonly watchWindowSize?: number;
  readonly namespaceCleanupIntervalMs?: number;
  readonly updateAttemptsMax?: number;
  /** Skip the bootstrap objects (tests of an empty store). */
  readonly bootstrap?: boolean;
  /** XState inspection of the cacher actor (the service host's inspector). */
  readonly inspect?: (event: InspectionEvent) => void;
  /** pods/log; without it pods/log answers 501. */
  readonly podLogs?: PodLogSource;
  /** The kubelets' stats for metrics.k8s.io; without it those resources answer 503. */
  readonly kubeletStats?: KubeletStatsSource;
  /** nodes/proxy; without it nodes/proxy answers 501. */
  readonly nodeProxy?: NodeProxySource;
}

export function createApiCore(opts: ApiCoreOptions): ApiCore {
  return new Core(opts);
}

class Core implements ApiCore {
  private readonly ctx: CoreContext;
  private readonly hub: WatchCacheHub;
  private readonly cacher: Actor<typeof cacherMachine>;
  private readonly cleaner: NamespaceCleaner;
  private readonly registry: Registry;
  private readonly tasks = new Set<Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private stopped = false;
  private readyPromise: Promise<void> | undefined;

  constructor(private readonly opts: ApiCoreOptions) {
    const storage = opts.storage ?? (opts.store === undefined ? undefined : storeClientStorage(opts.store));
    if (storage === undefined) throw new Error('createApiCore needs a store or a storage');
    const logger = opts.logger ?? silentLogger;
    this.registry = createRegistry(opts.resources ?? apiResources);
    this.hub = new WatchCacheHub({
      ...(opts.watchWindowSize === undefined ? {} : { windowSize: opts.watchWindowSize }),
      onBadValue: (key, err) => logger.warn({ key, err }, 'watch cache: stored value does not decode; skipped'),
    });
    const tunables = this.tunables(opts);
    const isStopping = () => this.stopped;
    this.ctx = {
      storage,
      hub: this.hub,
      objects: new ObjectStore(storage, tunables.updateAttemptsMax),
      registry: this.registry,
      admission: opts.admission ?? DEFAULT_ADMISSION_PLUGINS,
      clock: opts.clock,
      random: opts.random,
      logger,
      tunables,
      background: (what, work) => this.background(what, work),
      sleep: (ms) => this.sleep(ms),
      get stopping() {
        return isStopping();
      },
    };
    this.cleaner = new NamespaceCleaner(this.ctx);
    this.cacher = createActor(cacherMachine, {
      input: { storage, hub: this.hub, random: opts.random.fork(), onError: (what, err) => logger.warn({ err }, `${what}: store watch interrupted`) },
      clock: opts.clock,
      ...(opts.inspect === undefined ? {} : { inspect: opts.inspect }),
    });
    this.cacher.start();
  }

  private tunables(o: ApiCoreOptions): CoreTunables {
    const key = o.tokenSigningKey ?? Uint8Array.from({ length: 32 }, () => o.random.int(0, 255));
    return {
      serviceClusterIpRange: o.serviceClusterIpRange ?? '10.96.0.0/12',
      bookmarkIntervalMs: o.bookmarkIntervalMs ?? 60_000,
      freshnessTimeoutMs: o.freshnessTimeoutMs ?? 3_000,
      watchQueueMax: o.watchQueueMax ?? 10_000,
      tokenSigningKey: typeof key === 'string' ? new TextEncoder().encode(key) : key,
      tokenIssuer: o.tokenIssuer ?? 'https://kubernetes.default.svc.cluster.local',
      updateAttemptsMax: o.updateAttemptsMax ?? 16,
      namespaceCleanupIntervalMs: o.namespaceCleanupIntervalMs ?? 5_000,
    };
  }

  ready(): Promise<void> {
    this.readyPromise ??= this.becomeReady();
    return this.readyPromise;
  }

  private async becomeReady(): Promise<void> {
    await new Promise<void>((resolve) => this.hub.whenAt(1, resolve));
    if (this.opts.bootstrap !== false) await bootstrap(this.ctx, { apiserverPort: this.opts.apiserverPort ?? 6443 });
    await this.cleaner.resumeAll();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cacher.send({ type: 'STOP' });
    this.cacher.stop();
    for (const wake of [...this.sleepers]) wake();
    this.hub.closeAllWatchers();
    await Promise.allSettled([...this.tasks]);
  }

  handle(req: ApiRequest): Promise<ApiResult> {
    return this.route(req);
  }

  private async route(req: ApiRequest): Promise<ApiResult> {
    const info = mustFind(this.registry, req.group, req.version, req.resource);
    checkScope(info, req);
    if (info.conversion !== undefined) return handleConverted(this.ctx, info, info.conversion, req, (stored) => this.route(stored));
    if (req.subresource !== undefined && req.subresource !== '') return this.subresource(info, req, req.subresource);
    if (!info.verbs.includes(req.verb)) fail(methodNotSupported(groupResource(info), req.verb));
    if (info.group === 'metrics.k8s.io') return object(200, await handleMetrics(this.ctx, this.opts.kubeletStats, info, req));
    const ctx = this.ctx;
    switch (req.verb) {
      case 'get':
        return object(200, await getObject(ctx, info, req));
      case 'list':
        return object(200, await listObjects(ctx, info, req));
      case 'watch':
        return watchObjects(ctx, info, req, req.name);
      case 'create':
        return this.create(info, req);
      case 'update':
        return written(await updateFromRequest(ctx, info, req));
      case 'patch':
        return written(await patchFromRequest(ctx, info, req));
      case 'delete':
        if (info.group === '' && info.resource === 'namespaces') {
          return written(await deleteNamespace(ctx, info, req.name as string, deleteOptionsFrom(req), req.user, this.cleaner));
        }
        return written(await deleteFromRequest(ctx, info, req));
      case 'deletecollection':
        return object(200, await deleteCollection(ctx, info, req));
    }
    return fail(badRequest(`unknown verb ${String(req.verb)}`));
  }

  private async create(info: ResourceInfo, req: ApiRequest): Promise<ApiResult> {
    const review = REVIEWS[`${info.group}/${info.resource}`];
    if (review !== undefined) return object(201, review(this.ctx, req));
    if (info.group === '' && info.resource === 'bindings') {
      const pods = mustFind(this.registry, '', 'v1', 'pods');
      const name = ((req.body as KubeObject | undefined)?.metadata?.name ?? '') as string;
      if (name === '') fail(badRequest('a Binding needs metadata.name (the pod)'));
      return object(201, await createBinding(this.ctx, pods, req, name));
    }
    return object(201, await createFromRequest(this.ctx, info, req));
  }

  private async subresource(info: ResourceInfo, req: ApiRequest, sub: string): Promise<ApiResult> {
    const ctx = this.ctx;
    const declared = info.subresources.find((s) => s.name === sub);
    if (declared === undefined || req.name === undefined || req.name === '') fail(notFoundPath());
    if (!declared.verbs.includes(req.verb)) fail(methodNotSupported({ group: info.group, resource: `${info.resource}/${sub}` }, req.verb));
    const name = req.name;
    if (sub === 'status') {
      if (req.verb === 'get') return object(200, await getObject(ctx, info, req));
      if (req.verb === 'update') return written(await updateFromRequest(ctx, info, req, 'status'));
      if (req.verb === 'patch') return written(await patchFromRequest(ctx, info, req, 'status'));
    }
    if (sub === 'scale') {
      if (req.verb === 'get') return object(200, await getScale(ctx, info, req));
      if (req.verb === 'update') return written(await updateScale(ctx, info, req));
      if (req.verb === 'patch') return written(await patchScale(ctx, info, req));
    }
    if (req.verb === 'create') {
      if (sub === 'binding') return object(201, await createBinding(ctx, info, req, name));
      if (sub === 'eviction') return object(201, await createEviction(ctx, info, req, name));
      if (sub === 'token') return object(201, await createToken(ctx, info, req, name));
    }
    if (sub === 'log' && req.verb === 'get' && info.group === '' && info.resource === 'pods' && this.opts.podLogs !== undefined) {
      const pod = await getObject(ctx, info, { ...req, subresource: '' });
      return { kind: 'text', ...(await this.opts.podLogs(pod, req.query)) };
    }
    if (sub === 'proxy' && req.verb === 'get' && info.group === '' && info.resource === 'nodes' && this.opts.nodeProxy !== undefined) {
      await getObject(ctx, info, { ...req, subresource: '' }); // 404 for a node that does not exist
      return { kind: 'text', ...(await this.opts.nodeProxy(name, req.proxyPath ?? '', req.query)) };
    }
    return fail(notImplemented(`${info.resource}/${sub}`));
  }

  private background(what: string, work: () => Promise<void>): void {
    const task = work().catch((err: unknown) => this.ctx.logger.error({ err }, `${what} failed`));
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  private sleep(ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = () => {
        this.sleepers.delete(wake);
        this.opts.clock.clearTimeout(timer);
        resolve(false);
      };
      const timer = this.opts.clock.setTimeout(() => {
        this.sleepers.delete(wake);
        resolve(true);
      }, ms);
      this.sleepers.add(wake);
    });
  }
}

function object(status: number, obj: KubeObject): ApiResult {
  return { kind: 'object', status, object: obj };
}

function written(r: { object: KubeObject; status: number }): ApiResult {
  return { kind: 'object', status: r.status, object: r.object };
}

/** Namespaced kinds need a namespace for single objects; cluster-scoped kinds take none. */
function checkScope(info: ResourceInfo, req: ApiRequest): void {
  const ns = req.namespace ?? '';
  if (!info.namespaced && ns !== '') fail(notFoundPath());
  const collectionVerb = req.verb === 'list' || req.verb === 'watch';
  if (info.namespaced && ns === '' && !collectionVerb) fail(notFoundPath());
}
