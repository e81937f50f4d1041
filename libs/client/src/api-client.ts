// Adapter: the typed Kubernetes API client over NATS (DESIGN.md §5), speaking api-protocol.ts to the
// apiserver's `api.<verb>` endpoints. Every method returns the object the REST API would return;
// failures are ApiStatusError (the server's Status) or the bus's typed errors.
//
// Retries: only idempotent reads (get, list) are retried, and only when the request surely or
// possibly went unanswered (NoResponders: no apiserver subscribed right now; Timeout). A write that
// timed out may have happened, so it is the caller's to decide (usually: relist and reconcile).

import { call, DecodeError, NoRespondersError, subjects, TimeoutError, type ApiVerb, type Bus, type Subjects } from '@skiff/bus';
import type { Clock, Random } from '@skiff/core';
import { isApiObjectReply, type ApiBusRequest, type ApiObjectReply, type PatchType, type QueryValue } from './api-protocol.js';
import { toApiError } from './api-errors.js';
import { backoffDelayMs, checkBackoffPolicy, type BackoffPolicy } from './backoff.js';
import type { ResourceRef } from './resources.js';
import { retryOnConflict, sleep } from './retry.js';
import { isKubeObject, isPlainMap, type KubeList, type KubeObject } from './types.js';
import { openWatch, type WatchHandle, type WatchMessage } from './watch-stream.js';

export type Query = Readonly<Record<string, QueryValue>>;

export interface ApiClientOptions {
  readonly bus: Bus;
  /** The cluster's subject prefix `skiff.<cluster>.`; default `local`. */
  readonly cluster?: string;
  readonly clock: Clock;
  readonly random: Random;
  /** Deadline of one request. Default 10,000 ms. */
  readonly requestTimeoutMs?: number;
  /** Attempts of a read (get, list) that found no apiserver or timed out. Default 5. */
  readonly readAttemptsMax?: number;
  /** Waits between those attempts. Default 100 ms doubling to 2 s. */
  readonly readRetryBackoff?: BackoffPolicy;
  /** `?fieldManager=` of writes that name none (server-side apply needs one). */
  readonly fieldManager?: string;
}

export interface Scope {
  /** The namespace of a namespaced resource; writes default to the object's own. */
  readonly namespace?: string;
  /** More REST query parameters, passed as they are. */
  readonly query?: Query;
}

export interface GetOptions extends Scope {
  /** Read a subresource (scale, status). */
  readonly subresource?: string;
}

export interface ListOptions extends Scope {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WriteOptions extends Scope {
  readonly fieldManager?: string;
  readonly dryRun?: boolean;
}

export interface CreateOptions extends WriteOptions {
  /** Create on a subresource (eviction, token). */
  readonly subresource?: string;
}

export interface PatchOptions extends WriteOptions {
  /** Server-side apply: take ownership of conflicting fields. */
  readonly force?: boolean;
  /** Patch a subresource (scale); patchStatus always patches status. */
  readonly subresource?: string;
}

export interface DeleteOptions extends Scope {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly dryRun?: boolean;
}

export interface WatchOptions extends Scope {
  readonly resourceVersion?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly allowWatchBookmarks?: boolean;
  readonly timeoutSeconds?: number;
  /** Heartbeat period asked of the server (it bounds it to [500 ms, 60 s]). */
  readonly heartbeatMs?: number;
}

/** A pods/binding request body (core/v1 Binding). */
export interface Binding {
  readonly apiVersion?: 'v1';
  readonly kind?: 'Binding';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly uid?: string };
  readonly target: { readonly kind?: 'Node'; readonly apiVersion?: string; readonly name: string };
}

export interface ApiClient {
  readonly subjects: Subjects;
  readonly clock: Clock;
  readonly random: Random;
  get<T extends KubeObject = KubeObject>(resource: ResourceRef, name: string, opts?: GetOptions): Promise<T>;
  /** One page (`limit`/`continue`) or the whole collection. */
  list<T extends KubeObject = KubeObject>(resource: ResourceRef, opts?: ListOptions): Promise<KubeList<T>>;
  create<T extends KubeObject = KubeObject>(resource: ResourceRef, object: T, opts?: CreateOptions): Promise<T>;
  /** Replaces the object; its metadata.resourceVersion makes this a compare-and-swap (409 Conflict). */
  update<T extends KubeObject = KubeObject>(resource: ResourceRef, object: T, opts?: WriteOptions): Promise<T>;
  updateStatus<T extends KubeObject = KubeObject>(resource: ResourceRef, object: T, opts?: WriteOptions): Promise<T>;
  patch<T extends KubeObject = KubeObject>(resource: ResourceRef, name: string, patchType: PatchType, patch: unknown, opts?: PatchOptions): Promise<T>;
  patchStatus<T extends KubeObject = KubeObject>(resource: ResourceRef, name: string, patchType: PatchType, patch: unknown, opts?: PatchOptions): Promise<T>;
  /** The deleted object (or, when the server says so, a Status). */
  delete(resource: ResourceRef, name: string, opts?: DeleteOptions): Promise<KubeObject>;
  deleteCollection(resource: ResourceRef, opts?: DeleteOptions & Omit<ListOptions, keyof Scope>): Promise<KubeObject>;
  /** Binds a pod to a node (pods/binding): what the scheduler posts. */
  bind(binding: Binding, opts?: WriteOptions): Promise<KubeObject>;
  /** Evicts a pod (pods/eviction, policy/v1): 429 TooManyRequests when a PodDisruptionBudget forbids it. */
  evict(namespace: string, name: string, deleteOptions?: Omit<DeleteOptions, keyof Scope>): Promise<KubeObject>;
  /** Opens one watch stream; the reflector is the usual caller. */
  watch(resource: ResourceRef, opts: WatchOptions, onMessage: (msg: WatchMessage) => void): WatchHandle;
  /** retryOnConflict (retry.ts) on this client's clock and randomness. */
  retryOnConflict<T>(fn: () => Promise<T>): Promise<T>;
}

export function createApiClient(opts: ApiClientOptions): ApiClient {
  return new NatsApiClient(opts);
}

const DEFAULT_READ_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 2_000, factor: 2 };

class NatsApiClient implements ApiClient {
  readonly subjects: Subjects;
  readonly clock: Clock;
  readonly random: Random;
  private readonly bus: Bus;
  private readonly timeoutMs: number;
  private readonly readAttemptsMax: number;
  private readonly readBackoff: BackoffPolicy;
  private readonly fieldManager: string | undefined;

  constructor(opts: ApiClientOptions) {
    this.bus = opts.bus;
    this.subjects = subjects(opts.cluster);
    this.clock = opts.clock;
    this.random = opts.random;
    this.timeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.readAttemptsMax = opts.readAttemptsMax ?? 5;
    this.readBackoff = checkBackoffPolicy(opts.readRetryBackoff ?? DEFAULT_READ_BACKOFF, 'readRetryBackoff');
    this.fieldManager = opts.fieldManager;
    if (!(this.timeoutMs > 0)) throw new RangeError(`requestTimeoutMs must be > 0, got ${this.timeoutMs}`);
    if (!(Number.isInteger(this.readAttemptsMax) && this.readAttemptsMax >= 1)) throw new RangeError('readAttemptsMax must be an integer >= 1');
  }

  async get<T extends KubeObject>(resource: ResourceRef, name: string, opts: GetOptions = {}): Promise<T> {
    return asObject<T>(await this.read('get', request(resource, opts.namespace, { name, subresource: opts.subresource, query: opts.query })));
  }

  async list<T extends KubeObject>(resource: ResourceRef, opts: ListOptions = {}): Promise<KubeList<T>> {
    const query = withQuery(opts.query, {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      limit: opts.limit,
      continue: opts.continue,
      resourceVersion: opts.resourceVersion,
      resourceVersionMatch: opts.resourceVersionMatch,
    });
    return asList<T>(await this.read('list', request(resource, opts.namespace, { query })));
  }

  async create<T extends KubeObject>(resource: ResourceRef, object: T, opts: CreateOptions = {}): Promise<T> {
    const ns = opts.namespace ?? object.metadata.namespace;
    return asObject<T>(await this.send('create', request(resource, ns, { subresource: opts.subresource, query: this.writeQuery(opts), body: object })));
  }

  async update<T extends KubeObject>(resource: ResourceRef, object: T, opts: WriteOptions = {}): Promise<T> {
    const ns = opts.namespace ?? object.metadata.namespace;
    return asObject<T>(await this.send('update', request(resource, ns, { name: nameOf(object), query: this.writeQuery(opts), body: object })));
  }

  async updateStatus<T extends KubeObject>(resource: ResourceRef, object: T, opts: WriteOptions = {}): Promise<T> {
    const ns = opts.namespace ?? object.metadata.namespace;
    return asObject<T>(await this.send('status', request(resource, ns, { name: nameOf(object), query: this.writeQuery(opts), body: object })));
  }

  async patch<T extends KubeObject>(resource: ResourceRef, name: string, patchType: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    const query = withQuery(this.writeQuery(opts), { force: opts.force });
    return asObject<T>(await this.send('patch', request(resource, opts.namespace, { name, subresource: opts.subresource, query, body: patch, patchType })));
  }

  async patchStatus<T extends KubeObject>(resource: ResourceRef, name: string, patchType: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    const query = withQuery(this.writeQuery(opts), { force: opts.force });
    return asObject<T>(await this.send('status', request(resource, opts.namespace, { name, query, body: patch, patchType })));
  }

  async delete(resource: ResourceRef, name: string, opts: DeleteOptions = {}): Promise<KubeObject> {
    return asObject(await this.send('delete', request(resource, opts.namespace, { name, query: opts.query, body: deleteBody(opts) })));
  }

  async deleteCollection(resource: ResourceRef, opts: DeleteOptions & Omit<ListOptions, keyof Scope> = {}): Promise<KubeObject> {
    const query = withQuery(opts.query, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    return asObject(await this.send('delete', request(resource, opts.namespace, { query, body: deleteBody(opts) })));
  }

  async bind(binding: Binding, opts: WriteOptions = {}): Promise<KubeObject> {
    const body = { apiVersion: 'v1', kind: 'Binding', ...binding, target: { kind: 'Node', ...binding.target } };
    const req = request({ group: '', version: 'v1', resource: 'pods' }, binding.metadata.namespace, {
      name: binding.metadata.name,
      query: this.writeQuery(opts),
      body,
    });
    return asObject(await this.send('bind', req));
  }

  async evict(namespace: string, name: string, deleteOptions: Omit<DeleteOptions, keyof Scope> = {}): Promise<KubeObject> {
    const options = deleteBody(deleteOptions);
    const body = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, ...(options === undefined ? {} : { deleteOptions: options }) };
    const req = request({ group: '', version: 'v1', resource: 'pods' }, namespace, { name, subresource: 'eviction', body });
    return asObject(await this.send('create', req));
  }

  watch(resource: ResourceRef, opts: WatchOptions, onMessage: (msg: WatchMessage) => void): WatchHandle {
    const query = withQuery(opts.query, {
      resourceVersion: opts.resourceVersion,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      allowWatchBookmarks: opts.allowWatchBookmarks,
      timeoutSeconds: opts.timeoutSeconds,
    });
    const req = {
      type: 'api.watch' as const,
      v: 1 as const,
      ...scopeFields(resource, opts.namespace),
      ...(query === undefined ? {} : { query }),
      ...(opts.heartbeatMs === undefined ? {} : { heartbeatMs: opts.heartbeatMs }),
    };
    return openWatch(this.bus, this.subjects.apiWatch, req, onMessage);
  }

  retryOnConflict<T>(fn: () => Promise<T>): Promise<T> {
    return retryOnConflict({ clock: this.clock, random: this.random }, fn);
  }

  private writeQuery(opts: WriteOptions): Query | undefined {
    return withQuery(opts.query, { fieldManager: opts.fieldManager ?? this.fieldManager, dryRun: opts.dryRun === true ? 'All' : undefined });
  }

  private async send(verb: ApiVerb, req: ApiBusRequest): Promise<unknown> {
    try {
      const reply = await call<ApiObjectReply>(this.bus, this.subjects.api(verb), req, this.timeoutMs, { guard: isApiObjectReply });
      return reply.object;
    } catch (err) {
      throw toApiError(err);
    }
  }

  /** A read, retried while nobody answered: it changes nothing, so asking again is safe. */
  private async read(verb: 'get' | 'list', req: ApiBusRequest): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send(verb, req);
      } catch (err) {
        const unanswered = err instanceof NoRespondersError || err instanceof TimeoutError;
        if (!unanswered || attempt >= this.readAttemptsMax) throw err;
      }
      await sleep(this.clock, backoffDelayMs(attempt, this.readBackoff, this.random));
    }
  }
}

function scopeFields(resource: ResourceRef, namespace: string | undefined): { group?: string; version: string; resource: string; namespace?: string } {
  return {
    ...(resource.group === '' ? {} : { group: resource.group }),
    version: resource.version,
    resource: resource.resource,
    ...(namespace === undefined || namespace === '' ? {} : { namespace }),
  };
}

function request(
  resource: ResourceRef,
  namespace: string | undefined,
  fields: { name?: string; subresource?: string | undefined; query?: Query | undefined; body?: unknown; patchType?: PatchType },
): ApiBusRequest {
  const out: Record<string, unknown> = { v: 1, type: 'api.request', ...scopeFields(resource, namespace) };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as unknown as ApiBusRequest;
}

/** `base` plus the defined entries of `extra`; undefined when empty (the field is then left out). */
function withQuery(base: Query | undefined, extra: Readonly<Record<string, QueryValue | undefined>>): Query | undefined {
  const out: Record<string, QueryValue> = { ...base };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined && value !== '') out[key] = value;
  return Object.keys(out).length === 0 ? undefined : out;
}

function deleteBody(opts: Omit<DeleteOptions, keyof Scope>): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = {};
  if (opts.gracePeriodSeconds !== undefined) body['gracePeriodSeconds'] = opts.gracePeriodSeconds;
  if (opts.propagationPolicy !== undefined) body['propagationPolicy'] = opts.propagationPolicy;
  if (opts.preconditions !== undefined) body['preconditions'] = opts.preconditions;
  if (opts.dryRun === true) body['dryRun'] = ['All'];
  return Object.keys(body).length === 0 ? undefined : { apiVersion: 'v1', kind: 'DeleteOptions', ...body };
}

function nameOf(object: KubeObject): string {
  const name = object.metadata.name;
  if (typeof name !== 'string' || name === '') throw new TypeError('the object needs metadata.name');
  return name;
}

function asObject<T extends KubeObject>(value: unknown): T {
  if (!isKubeObject(value)) throw new DecodeError('the apiserver answered with something that is not an object with metadata');
  return value as T;
}

function asList<T extends KubeObject>(value: unknown): KubeList<T> {
  if (!isPlainMap(value) || !Array.isArray(value['items']) || !isPlainMap(value['metadata'])) {
    throw new DecodeError('the apiserver answered a list with something that is not a List');
  }
  if (!value['items'].every(isKubeObject)) throw new DecodeError('a list item has no metadata');
  return value as unknown as KubeList<T>;
}
