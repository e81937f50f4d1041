// Talking to a running cluster over NATS, for `status`, `inspect` and `up --detach`: a bounded
// connect, the broadcast describe, the NATS service framework's discovery ($SRV.PING/INFO/STATS)
// and the inspection event stream.

import { Svcm, type ServiceInfo, type ServiceStats } from '@nats-io/services';
import { decode, encode, NatsBus, portAccepts, subjects, type Bus, type Subscription } from '@skiff/bus';
import { NatsUnreachableError } from './errors.js';
import { parseDescribeReply, type DescribedService } from './inspect-view.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/**
 * Connects within `timeoutMs` or throws NatsUnreachableError. NatsBus retries forever (right for
 * services, wrong for a command someone waits on), so the wait is bounded here; a connection that
 * arrives after the deadline is closed at once.
 */
export async function connectCluster(urls: readonly string[], timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): Promise<NatsBus> {
  const reachable = await Promise.all(urls.map((u) => tcpReachable(u)));
  if (!reachable.some(Boolean)) throw new NatsUnreachableError(urls, 'connection refused');
  const connecting = NatsBus.connect({ servers: urls, name: 'skiff-cli', timeoutMs: Math.min(timeoutMs, 2_000) });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NatsUnreachableError(urls, `no connection within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([connecting, deadline]);
  } catch (err) {
    connecting.then((late) => late.close()).catch(() => {});
    if (err instanceof NatsUnreachableError) throw err;
    throw new NatsUnreachableError(urls, (err as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

async function tcpReachable(url: string): Promise<boolean> {
  try {
    const { hostname, port } = new URL(url);
    return await portAccepts(hostname, Number(port === '' ? 4222 : port));
  } catch {
    return false;
  }
}

/** For `up --nats`: the servers answer (connects, then closes). */
export async function probeNats(urls: readonly string[]): Promise<void> {
  const bus = await connectCluster(urls);
  await bus.close();
}

export interface DescribeResult {
  readonly services: DescribedService[];
  /** Replies that could not be read, each explained. */
  readonly problems: string[];
}

export interface DescribeOptions {
  /** How long to wait for the first answer. */
  readonly firstReplyMs?: number;
  /** The collection ends after this much silence (DESIGN: every service answers at once). */
  readonly silenceMs?: number;
  /** Bound on the whole collection, however chatty the cluster. */
  readonly maxMs?: number;
  readonly withDefinitions?: boolean;
}

/** Broadcasts `inspect.describe` and gathers every answer until the replies stop. */
export async function describeAll(bus: Bus, cluster: string, opts: DescribeOptions = {}): Promise<DescribeResult> {
  const firstReplyMs = opts.firstReplyMs ?? 1_500;
  const silenceMs = opts.silenceMs ?? 300;
  const endAt = Date.now() + (opts.maxMs ?? 5_000);
  const inbox = bus.createInbox();
  const sub = bus.subscribe(inbox);
  const services: DescribedService[] = [];
  const problems: string[] = [];
  try {
    await bus.flush();
    bus.publish(subjects(cluster).inspectDescribeAll, encode({ type: 'inspect.describe', withDefinitions: opts.withDefinitions === true }), {
      reply: inbox,
    });
    const it = sub[Symbol.asyncIterator]();
    for (let wait = firstReplyMs; ; wait = silenceMs) {
      const next = await nextWithin(it, Math.min(wait, endAt - Date.now()));
      if (next === undefined) break;
      try {
        const parsed = parseDescribeReply(decode(next.data));
        if (typeof parsed === 'string') problems.push(parsed);
        else services.push(parsed);
      } catch (err) {
        problems.push(`unreadable reply: ${(err as Error).message}`);
      }
    }
  } finally {
    sub.unsubscribe();
  }
  return { services, problems };
}

/** The next message, or undefined after `ms` (or when the subscription ends). */
async function nextWithin<T>(it: AsyncIterator<T>, ms: number): Promise<T | undefined> {
  if (ms <= 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    const result = await Promise.race([it.next(), timeout]);
    return result === undefined || result.done === true ? undefined : result.value;
  } finally {
    clearTimeout(timer);
  }
}

export interface ServiceStatus {
  readonly name: string;
  readonly id: string;
  readonly version: string;
  readonly description: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly endpoints: readonly string[];
  /** Answered $SRV.PING. */
  readonly pinged: boolean;
  readonly requests: number;
  readonly errors: number;
  readonly lastError: string | undefined;
  /** The answer of its `health` endpoint, when it has one (every Skiff service host does). */
  readonly health: HealthAnswer | undefined;
}

export type HealthAnswer =
  | { readonly type: 'answered'; readonly healthy: boolean; readonly ready: boolean; readonly failedActors: readonly string[] }
  | { readonly type: 'unanswered'; readonly reason: string };

export const HEALTH_ENDPOINT = 'health';

/**
 * Every service registered with the NATS service framework on this connection's servers, with
 * its answers to PING, INFO and STATS merged by service id. Services that carry a `cluster`
 * metadata entry for another cluster (external NATS shared by clusters) are left out.
 */
export async function discoverServices(bus: NatsBus, cluster: string, waitMs = 1_500): Promise<ServiceStatus[]> {
  // @nats-io/services and @nats-io/transport-node resolve two copies of nats-core whose types
  // differ only in a string enum; at run time the connection is the same object either way.
  const nc = bus.connection as unknown as ConstructorParameters<typeof Svcm>[0];
  const client = new Svcm(nc).client({ strategy: 'stall', maxWait: waitMs, stall: 300 });
  const [infos, pings, stats] = await Promise.all([
    collect<ServiceInfo>(client.info()),
    collect<{ id: string }>(client.ping()),
    collect<ServiceStats>(client.stats()),
  ]);
  const pinged = new Set(pings.map((p) => p.id));
  const statsById = new Map(stats.map((s) => [s.id, s]));
  const ours = infos.filter((info) => info.metadata?.['cluster'] === undefined || info.metadata['cluster'] === cluster);
  const healths = await Promise.all(
    ours.map((info) => {
      const endpoint = info.endpoints.find((e) => e.name === HEALTH_ENDPOINT);
      return endpoint === undefined ? undefined : askHealth(bus, endpoint.subject, waitMs);
    }),
  );
  return ours
    .map((info, i) => {
      const endpoints = statsById.get(info.id)?.endpoints ?? [];
      const lastError = endpoints.map((e) => e.last_error).find((e) => e !== undefined && e !== '');
      return {
        name: info.name,
        id: info.id,
        version: info.version,
        description: info.description,
        metadata: info.metadata ?? {},
        endpoints: info.endpoints.map((e) => e.name),
        pinged: pinged.has(info.id),
        requests: endpoints.reduce((n, e) => n + e.num_requests, 0),
        errors: endpoints.reduce((n, e) => n + e.num_errors, 0),
        lastError,
        health: healths[i],
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** Asks one service instance's `health` endpoint (`{type: 'health'}` -> `health.status`). */
async function askHealth(bus: Bus, subject: string, timeoutMs: number): Promise<HealthAnswer> {
  try {
    const reply = decode((await bus.request(subject, encode({ type: 'health' }), { timeoutMs })).data);
    if (reply.type === 'error') return { type: 'unanswered', reason: String(reply['message']) };
    const { healthy, ready, actors } = reply;
    if (reply.type !== 'health.status' || typeof healthy !== 'boolean' || typeof ready !== 'boolean') {
      return { type: 'unanswered', reason: `unexpected reply ${JSON.stringify(reply.type)}` };
    }
    const failedActors = Array.isArray(actors)
      ? actors.filter((a) => (a as { status?: unknown })?.status === 'failed').map((a) => String((a as { id?: unknown }).id))
      : [];
    return { type: 'answered', healthy, ready, failedActors };
  } catch (err) {
    return { type: 'unanswered', reason: (err as Error).message };
  }
}

async function collect<T>(pending: Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const item of await pending) out.push(item);
  } catch {
    // No responders or a malformed answer: what arrived so far is the answer.
  }
  return out;
}

/** Subscribes to every inspection stream of the cluster (`inspect.*.*.events`). */
export function subscribeInspection(bus: Bus, cluster: string): Subscription {
  return bus.subscribe(subjects(cluster).inspectEventsAll);
}
