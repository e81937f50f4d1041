// A fake apiserver for the client's tests: it answers api-protocol.ts over a Bus from an in-memory
// object map with resourceVersions, serves watch streams with seqs and heartbeats, and has knobs
// to break things on purpose: forget history (410 on re-watch), expire open watches (ERROR 410),
// skip a seq (a gap), go silent (a stall), end streams cleanly, fail the next request of a verb.
// It is deliberately small: one global resourceVersion counter, merge patches only, no defaulting.

import { applyMergePatch, fieldSelectorMatches, labelSelectorMatches, parseFieldSelector, parseLabelSelector, type JsonObject } from '@skiff/apimachinery';
import { API_QUEUE, API_VERBS, decode, encode, errorReply, serveRequests, subjects, type ApiVerb, type Bus, type Endpoint, type Envelope, type Subscription } from '@skiff/bus';
import type { Clock } from '@skiff/core';
import { isApiBusRequest, isApiWatchRequest, type ApiBusRequest, type ApiWatchRequest } from '../src/api-protocol.js';
import type { KubeObject } from '../src/types.js';

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  code: number;
  reason: string;
  message: string;
}

class StatusFailure extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
}

const failure = (code: number, reason: string, message: string): StatusFailure =>
  new StatusFailure({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message });

type Stored = KubeObject & { metadata: { name: string; resourceVersion: string } };

interface Change {
  readonly rv: number;
  readonly collection: string;
  readonly old: Stored | undefined;
  readonly obj: Stored | undefined;
  /** For a deletion: the object as its DELETED event shows it. */
  readonly gone: Stored | undefined;
}

interface FakeWatch {
  readonly inbox: string;
  readonly collection: string;
  readonly namespace: string | undefined;
  readonly matches: (obj: Stored) => boolean;
  seq: number;
  silenced: boolean;
  ended: boolean;
  timer: number | undefined;
}

export interface FakeApiServerOptions {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly cluster?: string;
  /** The heartbeat period granted whatever the client asks. Default 1,000 ms. */
  readonly heartbeatMs?: number;
}

export class FakeApiServer {
  readonly requests: { verb: ApiVerb | 'watch'; req: ApiBusRequest | ApiWatchRequest }[] = [];
  private readonly objects = new Map<string, Map<string, Stored>>();
  private readonly history: Change[] = [];
  /** Watches from a resourceVersion below this get 410 Expired. */
  private floor = 0;
  private rv = 100;
  private uid = 0;
  private readonly watches = new Set<FakeWatch>();
  private readonly endpoints: Endpoint[] = [];
  private watchSub: Subscription | undefined;
  private readonly failNext = new Map<ApiVerb, Status>();
  private readonly heartbeatMs: number;

  constructor(private readonly opts: FakeApiServerOptions) {
    this.heartbeatMs = opts.heartbeatMs ?? 1_000;
  }

  start(): this {
    const s = subjects(this.opts.cluster);
    for (const verb of API_VERBS) {
      this.endpoints.push(serveRequests<ApiBusRequest>(this.opts.bus, s.api(verb), (req) => this.handle(verb, req), { queue: API_QUEUE, guard: isApiBusRequest }));
    }
    this.watchSub = this.opts.bus.subscribe(s.apiWatch, { queue: API_QUEUE });
    void (async () => {
      for await (const msg of this.watchSub!) {
        try {
          const env = decode(msg.data);
          if (!isApiWatchRequest(env) || msg.reply === undefined) throw new Error('bad watch request');
          this.openWatch(env, msg.reply);
        } catch (err) {
          if (msg.reply !== undefined) this.opts.bus.publish(msg.reply, encode(errorReply('BadRequest', String(err))));
        }
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.endWatches();
    this.watchSub?.unsubscribe();
    await Promise.all(this.endpoints.map((e) => e.stop()));
  }

  // ---- knobs ------------------------------------------------------------------------------------

  get resourceVersion(): string {
    return String(this.rv);
  }

  get openWatchCount(): number {
    return [...this.watches].filter((w) => !w.ended).length;
  }

  /** Forgets the change history: a watch from any older resourceVersion gets 410. */
  compact(): void {
    this.floor = this.rv;
    this.history.length = 0;
  }

  /** Sends ERROR 410 to every open watch and ends it (what a compaction does to a watch cache). */
  expireWatches(): void {
    this.compact();
    for (const w of this.live()) {
      this.send(w, { type: 'api.watch.event', seq: ++w.seq, event: { type: 'ERROR', object: failure(410, 'Expired', 'too old resource version').status } });
      this.end(w);
    }
  }

  /** Every open watch skips one seq number: the next message shows a gap. */
  skipSeq(): void {
    for (const w of this.live()) w.seq++;
  }

  /** Open watches stop sending anything, heartbeats included, without ending. */
  silence(): void {
    for (const w of this.live()) w.silenced = true;
  }

  /** Ends every open watch cleanly (end-of-stream). */
  endWatches(): void {
    for (const w of this.live()) this.end(w);
  }

  /** The next request of `verb` fails with this Status. */
  failNextRequest(verb: ApiVerb, code: number, reason: string, message: string): void {
    this.failNext.set(verb, failure(code, reason, message).status);
  }

  /** Stores an object directly (as another client's write would), with watch events. */
  put(group: string, resource: string, obj: KubeObject): Stored {
    const key = objKey(obj.metadata.namespace, obj.metadata.name ?? '');
    const coll = collectionKey(group, resource);
    const old = this.collection(coll).get(key);
    const stored = this.stamp(structuredClone(obj), old);
    this.commit(coll, key, old, stored);
    return stored;
  }

  remove(group: string, resource: string, namespace: string | undefined, name: string): void {
    const coll = collectionKey(group, resource);
    const key = objKey(namespace, name);
    const old = this.collection(coll).get(key);
    if (old !== undefined) this.commit(coll, key, old, undefined);
  }

  /** Changes an object without telling any watch (as if its event were lost). */
  putSilently(group: string, resource: string, obj: KubeObject): void {
    const key = objKey(obj.metadata.namespace, obj.metadata.name ?? '');
    const coll = this.collection(collectionKey(group, resource));
    coll.set(key, this.stamp(structuredClone(obj), coll.get(key)));
  }

  removeSilently(group: string, resource: string, namespace: string | undefined, name: string): void {
    this.rv++;
    this.collection(collectionKey(group, resource)).delete(objKey(namespace, name));
  }

  get(group: string, resource: string, namespace: string | undefined, name: string): Stored | undefined {
    return this.collection(collectionKey(group, resource)).get(objKey(namespace, name));
  }

  // ---- verbs ------------------------------------------------------------------------------------

  private handle(verb: ApiVerb, req: ApiBusRequest): Envelope | { type: string; [k: string]: unknown } {
    this.requests.push({ verb, req });
    try {
      const injected = this.failNext.get(verb);
      if (injected !== undefined) {
        this.failNext.delete(verb);
        throw new StatusFailure(injected);
      }
      const [status, object] = this.route(verb, req);
      return { type: 'api.object', status, object };
    } catch (err) {
      if (err instanceof StatusFailure) return errorReply(err.status.reason, err.status.message, err.status);
      throw err;
    }
  }

  private route(verb: ApiVerb, req: ApiBusRequest): [number, unknown] {
    const coll = collectionKey(req.group ?? '', req.resource);
    switch (verb) {
      case 'get':
        return [200, this.mustGet(coll, req.resource, req.namespace, req.name ?? '')];
      case 'list':
        return [200, this.list(coll, req)];
      case 'create':
        if (req.subresource === 'eviction') return [201, this.evict(coll, req)];
        return [201, this.create(coll, req.namespace, req.body as KubeObject)];
      case 'update':
        return [200, this.update(coll, req.resource, req.namespace, req.body as KubeObject, false)];
      case 'status':
        if (req.patchType !== undefined) return [200, this.patch(coll, req)];
        return [200, this.update(coll, req.resource, req.namespace, req.body as KubeObject, true)];
      case 'patch':
        return [200, this.patch(coll, req)];
      case 'delete':
        return [200, this.delete(coll, req.resource, req.namespace, req.name ?? '')];
      case 'bind':
        return [201, this.bind(coll, req)];
    }
  }

  private list(coll: string, req: ApiBusRequest): unknown {
    const matches = selection(req.query);
    const all = [...this.collection(coll).entries()]
      .filter(([, o]) => req.namespace === undefined || o.metadata.namespace === req.namespace)
      .filter(([, o]) => matches(o))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const token = req.query?.['continue'];
    const start = typeof token === 'string' ? (JSON.parse(Buffer.from(token, 'base64').toString()) as { after: string; rv: number }) : undefined;
    const rest = start === undefined ? all : all.filter(([k]) => k > start.after);
    const limit = Number(req.query?.['limit'] ?? 0);
    const page = limit > 0 ? rest.slice(0, limit) : rest;
    const listRv = start?.rv ?? this.rv;
    const more = page.length < rest.length;
    const next = more ? Buffer.from(JSON.stringify({ after: page.at(-1)![0], rv: listRv })).toString('base64') : undefined;
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(listRv), ...(next === undefined ? {} : { continue: next }) }, items: page.map(([, o]) => o) };
  }

  private create(coll: string, namespace: string | undefined, body: KubeObject): Stored {
    const name = body.metadata.name ?? '';
    if (name === '') throw failure(422, 'Invalid', 'metadata.name: Required value');
    const key = objKey(namespace ?? body.metadata.namespace, name);
    if (this.collection(coll).has(key)) throw failure(409, 'AlreadyExists', `${coll.split('/')[1]} "${name}" already exists`);
    const obj = structuredClone(body);
    if (namespace !== undefined) obj.metadata.namespace = namespace;
    const stored = this.stamp(obj, undefined);
    this.commit(coll, key, undefined, stored);
    return stored;
  }

  private update(coll: string, resource: string, namespace: string | undefined, body: KubeObject, statusOnly: boolean): Stored {
    const name = body.metadata.name ?? '';
    const key = objKey(namespace ?? body.metadata.namespace, name);
    const old = this.mustGet(coll, resource, namespace ?? body.metadata.namespace, name);
    const wanted = body.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== old.metadata.resourceVersion) {
      throw failure(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    const next = statusOnly ? { ...structuredClone(old), status: structuredClone(body['status']) } : structuredClone(body);
    if (namespace !== undefined) next.metadata.namespace = namespace;
    const stored = this.stamp(next, old);
    this.commit(coll, key, old, stored);
    return stored;
  }

  private patch(coll: string, req: ApiBusRequest): Stored {
    if (req.patchType !== 'merge') throw failure(415, 'UnsupportedMediaType', `fake apiserver: ${req.patchType} patches are not supported`);
    const old = this.mustGet(coll, req.resource, req.namespace, req.name ?? '');
    const next = applyMergePatch(old as unknown as JsonObject, req.body) as unknown as KubeObject;
    const stored = this.stamp(next, old);
    this.commit(coll, objKey(req.namespace, req.name ?? ''), old, stored);
    return stored;
  }

  private delete(coll: string, resource: string, namespace: string | undefined, name: string): Stored {
    const old = this.mustGet(coll, resource, namespace, name);
    this.commit(coll, objKey(namespace, name), old, undefined);
    return old;
  }

  private bind(coll: string, req: ApiBusRequest): unknown {
    const binding = req.body as { metadata: { name: string }; target: { name: string } };
    const name = req.name ?? binding.metadata.name;
    const pod = this.mustGet(coll, 'pods', req.namespace, name);
    const spec = (pod['spec'] ?? {}) as { nodeName?: string };
    if (spec.nodeName !== undefined && spec.nodeName !== '') throw failure(409, 'Conflict', `pod ${name} is already assigned to node "${spec.nodeName}"`);
    const next = { ...structuredClone(pod), spec: { ...spec, nodeName: binding.target.name } };
    this.commit(coll, objKey(req.namespace, name), pod, this.stamp(next, pod));
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  }

  private evict(coll: string, req: ApiBusRequest): unknown {
    this.delete(coll, 'pods', req.namespace, req.name ?? '');
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  }

  // ---- storage ----------------------------------------------------------------------------------

  private collection(coll: string): Map<string, Stored> {
    let map = this.objects.get(coll);
    if (map === undefined) this.objects.set(coll, (map = new Map()));
    return map;
  }

  private mustGet(coll: string, resource: string, namespace: string | undefined, name: string): Stored {
    const obj = this.collection(coll).get(objKey(namespace, name));
    if (obj === undefined) throw failure(404, 'NotFound', `${resource} "${name}" not found`);
    return obj;
  }

  private stamp(obj: KubeObject, old: Stored | undefined): Stored {
    obj.metadata.resourceVersion = String(++this.rv);
    obj.metadata.uid = old?.metadata.uid ?? `uid-${++this.uid}`;
    obj.metadata.creationTimestamp = old?.metadata.creationTimestamp ?? new Date(this.opts.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    return obj as Stored;
  }

  private commit(coll: string, key: string, old: Stored | undefined, obj: Stored | undefined): void {
    const map = this.collection(coll);
    let change: Change;
    if (obj === undefined) {
      map.delete(key);
      this.rv++;
      // A DELETED event carries the last state at the deletion's resourceVersion.
      const gone = old === undefined ? undefined : { ...old, metadata: { ...old.metadata, resourceVersion: String(this.rv) } };
      change = { rv: this.rv, collection: coll, old, obj: undefined, gone };
    } else {
      map.set(key, obj);
      change = { rv: this.rv, collection: coll, old, obj, gone: undefined };
    }
    this.history.push(change);
    for (const w of this.live()) this.deliver(w, change);
  }

  // ---- watches ----------------------------------------------------------------------------------

  private openWatch(req: ApiWatchRequest, inbox: string): void {
    this.requests.push({ verb: 'watch', req });
    const w: FakeWatch = {
      inbox,
      collection: collectionKey(req.group ?? '', req.resource),
      namespace: req.namespace,
      matches: selection(req.query),
      seq: 1,
      silenced: false,
      ended: false,
      timer: undefined,
    };
    this.send(w, { type: 'api.watch.opened', seq: 1, heartbeatMs: this.heartbeatMs });
    const from = Number(req.query?.['resourceVersion'] ?? 0);
    if (from > 0 && from < this.floor) {
      this.send(w, { type: 'api.watch.event', seq: ++w.seq, event: { type: 'ERROR', object: failure(410, 'Expired', `too old resource version: ${from} (${this.floor})`).status } });
      this.send(w, undefined);
      return;
    }
    this.watches.add(w);
    if (from === 0) {
      for (const obj of this.collection(w.collection).values()) if (this.visible(w, obj)) this.sendEvent(w, 'ADDED', obj);
    } else {
      for (const change of this.history) if (change.rv > from) this.deliver(w, change);
    }
    this.scheduleHeartbeat(w);
  }

  private scheduleHeartbeat(w: FakeWatch): void {
    w.timer = this.opts.clock.setTimeout(() => {
      if (w.ended) return;
      if (!w.silenced) void this.heartbeat(w);
      this.scheduleHeartbeat(w);
    }, this.heartbeatMs);
  }

  private async heartbeat(w: FakeWatch): Promise<void> {
    try {
      await this.opts.bus.request(w.inbox, encode({ type: 'api.watch.heartbeat', seq: ++w.seq }), { timeoutMs: this.heartbeatMs });
    } catch (err) {
      if ((err as Error).name === 'NoRespondersError') this.forget(w);
    }
  }

  private visible(w: FakeWatch, obj: Stored): boolean {
    return (w.namespace === undefined || obj.metadata.namespace === w.namespace) && w.matches(obj);
  }

  private deliver(w: FakeWatch, change: Change): void {
    if (change.collection !== w.collection || w.silenced) return;
    const was = change.old !== undefined && this.visible(w, change.old);
    const is = change.obj !== undefined && this.visible(w, change.obj);
    if (is && !was) this.sendEvent(w, 'ADDED', change.obj!);
    else if (is && was) this.sendEvent(w, 'MODIFIED', change.obj!);
    else if (was) this.sendEvent(w, 'DELETED', change.obj ?? change.gone!);
  }

  private sendEvent(w: FakeWatch, type: string, object: Stored): void {
    this.send(w, { type: 'api.watch.event', seq: ++w.seq, event: { type, object } });
  }

  private send(w: FakeWatch, msg: { type: string; [k: string]: unknown } | undefined): void {
    try {
      this.opts.bus.publish(w.inbox, msg === undefined ? new Uint8Array(0) : encode(msg));
    } catch {
      this.forget(w);
    }
  }

  private end(w: FakeWatch): void {
    this.send(w, undefined);
    this.forget(w);
  }

  private forget(w: FakeWatch): void {
    w.ended = true;
    if (w.timer !== undefined) this.opts.clock.clearTimeout(w.timer);
    this.watches.delete(w);
  }

  private live(): FakeWatch[] {
    return [...this.watches].filter((w) => !w.ended);
  }
}

function collectionKey(group: string, resource: string): string {
  return `${group}/${resource}`;
}

function objKey(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

function selection(query: Readonly<Record<string, unknown>> | undefined): (obj: Stored) => boolean {
  const labels = typeof query?.['labelSelector'] === 'string' ? parseLabelSelector(query['labelSelector']) : undefined;
  const fields = typeof query?.['fieldSelector'] === 'string' ? parseFieldSelector(query['fieldSelector']) : undefined;
  return (obj) =>
    (labels === undefined || labelSelectorMatches(labels, obj.metadata.labels)) &&
    (fields === undefined || fieldSelectorMatches(fields, (path) => fieldOf(obj, path)));
}

function fieldOf(obj: unknown, path: string): string | undefined {
  let value: unknown = obj;
  for (const part of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return value === undefined || value === null ? undefined : String(value);
}
