// Adapter: the API over NATS (api-protocol.ts) on a service host, so that `$SRV.INFO` and `skiff
// inspect` list the apiserver's endpoints. Each `api.<verb>` request becomes an ApiRequest for the
// core; `api.watch` streams the core's watch to the requester's inbox.
//
// A watch over NATS:
//   opened --event--> opened (published, seq+1)
//          --heartbeat timer--> opened (heartbeat request; NoResponders: the client is gone -> ended)
//          --core ends / timeoutSeconds / stop()--> ended (end-of-stream published once)
// Invariant: the core watch is cancelled exactly when the NATS watch ends, whatever ended it.

import { API_QUEUE, API_VERBS, encode, ENVELOPE_VERSION, errorReply, NoRespondersError, type ApiVerb as BusVerb, type Bus, type Envelope } from '@skiff/bus';
import type { Logger, ServiceHost } from '@skiff/actors';
import type { Clock } from '@skiff/core';
import type { ApiCore, ApiRequest, UserInfo } from '../core/index.js';
import type { ApiMetrics } from '../http/metrics.js';
import { statusOfError } from '../http/status.js';
import {
  DEFAULT_HEARTBEAT_MS,
  HEARTBEAT_MAX_MS,
  HEARTBEAT_MIN_MS,
  isApiBusRequest,
  isApiWatchRequest,
  toSearchParams,
  type ApiBusRequest,
  type ApiObjectReply,
  type ApiWatchOpened,
  type ApiWatchRequest,
} from './api-protocol.js';

/**
 * Who a NATS request acts as. NATS permissions are the wall between components and the store
 * (DESIGN.md §6); until requests carry credentials, every component is a cluster admin.
 */
export const COMPONENT_USER: UserInfo = { username: 'system:skiff:component', groups: ['system:masters', 'system:authenticated'] };

export interface NatsApiOptions {
  readonly host: ServiceHost;
  readonly core: ApiCore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: ApiMetrics;
  readonly user?: UserInfo;
}

export interface NatsApi {
  readonly openWatches: number;
  /** Ends every watch (end-of-stream to each client); the host's stop() then stops the endpoints. */
  stopWatches(): Promise<void>;
}

/** The ApiRequest a bus request stands for; throws an ApiError-like Status for misuse. */
export function toApiRequest(verb: BusVerb, req: ApiBusRequest, user: UserInfo): ApiRequest {
  const base = {
    group: req.group ?? '',
    version: req.version,
    resource: req.resource,
    ...(req.namespace === undefined || req.namespace === null ? {} : { namespace: req.namespace }),
    ...(req.subresource === undefined || req.subresource === null ? {} : { subresource: req.subresource }),
    query: toSearchParams(req.query),
    ...(req.body === undefined || req.body === null ? {} : { body: req.body }),
    user,
  };
  const name = req.name ?? undefined;
  const named = name === undefined ? {} : { name };
  switch (verb) {
    case 'get':
      return { ...base, ...named, verb: 'get' };
    case 'list':
      return { ...base, verb: 'list' };
    case 'create':
      return { ...base, ...named, verb: 'create' };
    case 'update':
      return { ...base, ...named, verb: 'update' };
    case 'patch':
      return { ...base, ...named, verb: 'patch', ...(req.patchType === undefined || req.patchType === null ? {} : { patchType: req.patchType }) };
    case 'delete':
      return name === undefined ? { ...base, verb: 'deletecollection' } : { ...base, ...named, verb: 'delete' };
    case 'bind': {
      // The Binding names its pod (Kubernetes' pods/binding takes the name from the body too).
      const podName = name ?? bindingName(req.body);
      return { ...base, ...(podName === undefined ? {} : { name: podName }), resource: 'pods', subresource: 'binding', verb: 'create' };
    }
    case 'status': {
      const sub = { ...base, ...named, subresource: req.subresource ?? 'status' };
      return req.patchType === undefined || req.patchType === null ? { ...sub, verb: 'update' } : { ...sub, verb: 'patch', patchType: req.patchType };
    }
  }
}

function bindingName(body: unknown): string | undefined {
  const meta = (body as { metadata?: { name?: unknown } } | undefined)?.metadata;
  return typeof meta?.name === 'string' ? meta.name : undefined;
}

/** An error envelope carrying the Status, its reason as the code. */
function errorEnvelope(err: unknown, logger: Logger, what: string): Envelope {
  const { status, expected } = statusOfError(err);
  if (!expected) logger.error({ err, what }, 'NATS API request failed unexpectedly');
  return errorReply(status.reason === undefined || status.reason === '' ? 'Internal' : status.reason, status.message ?? '', status);
}

export async function startNatsApi(opts: NatsApiOptions): Promise<NatsApi> {
  const { host, core, logger } = opts;
  const user = opts.user ?? COMPONENT_USER;
  const watches = new Set<NatsWatch>();

  for (const verb of API_VERBS) {
    await host.addEndpoint<ApiBusRequest>(
      `api-${verb}`,
      host.subjects.api(verb),
      async (req): Promise<ApiObjectReply | Envelope> => {
        try {
          const result = await core.handle(toApiRequest(verb, req, user));
          if (result.kind === 'watch') {
            result.cancel();
            return errorReply('BadRequest', 'watches are served on api.watch');
          }
          if (result.kind === 'text') {
            result.cancel();
            return errorReply('BadRequest', 'pods/log is served over HTTP; on NATS ask the kubelet (kubelet.<node>.logs)');
          }
          return { v: ENVELOPE_VERSION, type: 'api.object', status: result.status, object: result.object };
        } catch (err) {
          return errorEnvelope(err, logger, `api.${verb} ${req.resource}`);
        }
      },
      { queue: API_QUEUE, guard: isApiBusRequest, metadata: { verb } },
    );
  }

  await host.addEndpoint<ApiWatchRequest>(
    'api-watch',
    host.subjects.apiWatch,
    async (req, msg): Promise<ApiWatchOpened | Envelope> => {
      if (msg.reply === undefined) return errorReply('BadRequest', 'api.watch needs a reply inbox (Bus.requestStream)');
      const inbox = msg.reply;
      const heartbeatMs = Math.min(HEARTBEAT_MAX_MS, Math.max(HEARTBEAT_MIN_MS, req.heartbeatMs ?? DEFAULT_HEARTBEAT_MS));
      let result;
      try {
        result = await core.handle(watchRequest(req, user));
      } catch (err) {
        afterReply(() => endStream(host.bus, inbox));
        return errorEnvelope(err, logger, `api.watch ${req.resource}`);
      }
      if (result.kind !== 'watch') {
        afterReply(() => endStream(host.bus, inbox));
        return errorReply('Internal', 'the core did not open a watch');
      }
      const watch = new NatsWatch(host.bus, inbox, result, heartbeatMs, opts, req);
      watches.add(watch);
      void watch.done.finally(() => watches.delete(watch));
      // The opened reply goes out when this handler returns; events must follow it, not precede it.
      afterReply(() => watch.start());
      return { v: ENVELOPE_VERSION, type: 'api.watch.opened', seq: 1, heartbeatMs };
    },
    { queue: API_QUEUE, guard: isApiWatchRequest },
  );

  return {
    get openWatches() {
      return watches.size;
    },
    async stopWatches() {
      const all = [...watches];
      for (const w of all) w.stop();
      await Promise.all(all.map((w) => w.done));
    },
  };
}

function watchRequest(req: ApiWatchRequest, user: UserInfo): ApiRequest {
  const query = toSearchParams(req.query);
  query.set('watch', 'true');
  return {
    verb: 'watch',
    group: req.group ?? '',
    version: req.version,
    resource: req.resource,
    ...(req.namespace === undefined || req.namespace === null ? {} : { namespace: req.namespace }),
    query,
    user,
  };
}

/**
 * Runs `fn` after the endpoint has sent the handler's reply: serveRequests responds in the
 * microtasks that follow the handler's promise, and a macrotask runs only after those.
 */
function afterReply(fn: () => void): void {
  setImmediate(fn);
}

function endStream(bus: Bus, inbox: string): void {
  try {
    bus.publish(inbox, new Uint8Array(0));
  } catch {
    // The bus is closing: the client's stream ends with it.
  }
}

class NatsWatch {
  private seq = 1; // the opened reply was 1
  private ended = false;
  private heartbeatTimer: number | undefined;
  private resolveDone: () => void = () => {};
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));
  private stopMetric: () => void = () => {};
  private deadlineTimer: number | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly inbox: string,
    private readonly source: { events: AsyncIterable<{ type: string; object: unknown }>; cancel(): void },
    private readonly heartbeatMs: number,
    private readonly opts: NatsApiOptions,
    private readonly req: ApiWatchRequest,
  ) {}

  start(): void {
    if (this.ended) return;
    const labels = { group: this.req.group ?? '', version: this.req.version, resource: this.req.resource };
    this.stopMetric = this.opts.metrics.watchStarted(labels);
    this.scheduleHeartbeat();
    const timeoutSeconds = Number(this.req.query?.['timeoutSeconds'] ?? '');
    if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) {
      this.deadlineTimer = this.opts.clock.setTimeout(() => this.stop(), timeoutSeconds * 1000);
    }
    void this.pump(labels);
  }

  stop(): void {
    if (this.ended) return;
    this.ended = true;
    this.source.cancel();
    if (this.heartbeatTimer !== undefined) this.opts.clock.clearTimeout(this.heartbeatTimer);
    if (this.deadlineTimer !== undefined) this.opts.clock.clearTimeout(this.deadlineTimer);
    endStream(this.bus, this.inbox);
    this.stopMetric();
    this.resolveDone();
  }

  private async pump(labels: { group: string; version: string; resource: string }): Promise<void> {
    try {
      for await (const event of this.source.events) {
        if (this.ended) break;
        this.publish({ type: 'api.watch.event', seq: ++this.seq, event: { type: event.type, object: event.object } });
        this.opts.metrics.watchEvent(labels, event.type);
      }
    } catch (err) {
      this.opts.logger.warn({ err, resource: this.req.resource }, 'NATS watch stream failed');
    } finally {
      this.stop();
    }
  }

  private publish(msg: { readonly type: string; readonly [k: string]: unknown }): void {
    try {
      this.bus.publish(this.inbox, encode(msg));
    } catch (err) {
      this.opts.logger.debug({ err }, 'watch publish failed');
      this.stop();
    }
  }

  private scheduleHeartbeat(): void {
    this.heartbeatTimer = this.opts.clock.setTimeout(() => {
      if (this.ended) return;
      void this.heartbeat();
      this.scheduleHeartbeat();
    }, this.heartbeatMs);
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.bus.request(this.inbox, encode({ type: 'api.watch.heartbeat', seq: ++this.seq }), { timeoutMs: this.heartbeatMs });
    } catch (err) {
      // No subscriber on the inbox: the client stopped iterating or died.
      if (err instanceof NoRespondersError) this.stop();
      // A timeout only means the client does not answer heartbeats: it is still subscribed.
    }
  }
}
