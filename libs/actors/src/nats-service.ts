// Adapter: a service registered with the NATS services framework (@nats-io/services, "micro"), so
// `$SRV.PING|INFO|STATS` discover it with its endpoints, version and request counts.
//
// The framework owns the endpoint subscriptions (that is how it counts requests). Requests are
// taken from an endpoint in iterator mode and handed to @skiff/bus `serveRequests` through a
// one-subject Bus view, so decoding, error envelopes and the concurrency bound are the same on
// NATS as on the MemoryBus.

import { Svcm, type Service, type ServiceMsg } from '@nats-io/services';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { Bus, Headers, Msg, SubscribeOptions, Subscription } from '@skiff/bus';

export interface NatsServiceConfig {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface NatsServiceEndpoint {
  readonly name: string;
  readonly subject: string;
  readonly queue?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A bus whose underlying nats.js connection is reachable (NatsBus), duck-typed. */
export type ConnectedBus = Bus & { readonly connection: NatsConnection };

export function hasNatsConnection(bus: Bus): bus is ConnectedBus {
  return 'connection' in bus && typeof (bus as { connection?: { subscribe?: unknown } }).connection?.subscribe === 'function';
}

export async function addNatsService(bus: ConnectedBus, config: NatsServiceConfig): Promise<Service> {
  // @nats-io/services is built on its own copy of nats-core; the connection types differ only
  // nominally, the protocol surface it uses (subscribe, closed, respond) is the same.
  const svcm = new Svcm(bus.connection as unknown as ConstructorParameters<typeof Svcm>[0]);
  return svcm.add({
    name: config.name,
    version: config.version,
    description: config.description,
    metadata: { ...config.metadata },
    // No service-wide queue group: an endpoint joins one only when it asks (broadcast endpoints
    // such as `inspect.describe` must reach every instance).
    queue: '',
  });
}

/**
 * Adds an endpoint to `service` and returns a Bus that delivers the endpoint's requests to
 * whoever subscribes to `endpoint.subject` on it (once): the input of `serveRequests`.
 */
export function endpointBus(bus: Bus, service: Service, endpoint: NatsServiceEndpoint): Bus {
  const iterator = service.addEndpoint(endpoint.name, {
    subject: endpoint.subject,
    ...(endpoint.queue === undefined ? {} : { queue: endpoint.queue }),
    ...(endpoint.metadata === undefined ? {} : { metadata: { ...endpoint.metadata } }),
  });
  let taken = false;
  const subscribe = (subject: string, _opts?: SubscribeOptions): Subscription => {
    if (subject !== endpoint.subject || taken) throw new Error(`endpoint bus serves ${endpoint.subject} once, not ${subject}`);
    taken = true;
    let resolveClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    return {
      subject,
      // Ends the iteration after the requests already queued; the framework's subscription itself
      // is drained by `service.stop()`.
      unsubscribe: () => iterator.stop(),
      closed: () => closed,
      [Symbol.asyncIterator]: () => mapIterator(iterator[Symbol.asyncIterator](), resolveClosed),
    };
  };
  return {
    name: bus.name,
    publish: (subject, data, opts) => bus.publish(subject, data, opts),
    subscribe,
    request: (subject, data, opts) => bus.request(subject, data, opts),
    requestStream: (subject, data, opts) => bus.requestStream(subject, data, opts),
    createInbox: () => bus.createInbox(),
    flush: () => bus.flush(),
    close: () => bus.close(),
  };
}

function mapIterator(it: AsyncIterator<ServiceMsg>, onEnd: () => void): AsyncIterator<Msg> {
  return {
    next: async () => {
      const r = await it.next();
      if (r.done === true) {
        onEnd();
        return { value: undefined, done: true };
      }
      return { value: toBusMsg(r.value), done: false };
    },
    return: async () => {
      await it.return?.();
      onEnd();
      return { value: undefined, done: true };
    },
  };
}

function toBusMsg(m: ServiceMsg): Msg {
  return {
    subject: m.subject,
    data: m.data,
    headers: fromNatsHeaders(m.headers),
    reply: m.reply === '' ? undefined : m.reply,
    respond: (data: Uint8Array, opts?: { headers?: Headers }) => {
      if (opts?.headers === undefined) return m.respond(data);
      const h = natsHeaders();
      for (const [k, v] of Object.entries(opts.headers)) h.set(k, v);
      return m.respond(data, { headers: h as never });
    },
  };
}

function fromNatsHeaders(h: ServiceMsg['headers']): Headers | undefined {
  if (h === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const k of h.keys()) out[k] = h.get(k);
  return out;
}
