// Adapter: hosts a service's actors and endpoints on a Bus. One per process (per service instance).
//
//   starting --startServiceHost()--> running --stop()--> stopping --> stopped
//
// - Every actor runs on the host's clock, with the host's inspector and a logger carrying its id.
//   An actor that fails is logged, published as an error snapshot and marks the host unhealthy; it
//   never takes the process down (XState rethrows an unobserved actor error from a timer).
//   Restarting is left to the supervisor that watches `health` (systemd, `skiff up`), as a kubelet
//   restarts a container whose liveness probe fails.
// - On a NatsBus the service is registered with @nats-io/services (discoverable through
//   `$SRV.PING|INFO|STATS`); on any other Bus endpoints are plain `serveRequests` subscriptions.
// - Every host answers `health` and inspection `describe` (per instance and broadcast).
// - stop(): endpoints stop taking requests and finish those in flight, actors stop (their final
//   snapshots are published), then the bus drains and closes. Idempotent.

import type { Service } from '@nats-io/services';
import {
  guardOf,
  serveRequests,
  subjects as subjectsOf,
  subjectToken,
  type Bus,
  type Endpoint,
  type Envelope,
  type Guard,
  type RequestHandler,
  type Subjects,
} from '@skiff/bus';
import { createActor, type Actor, type AnyActorRef, type AnyStateMachine, type InputFrom } from 'xstate';
import { machineOf } from './actor-registry.js';
import { RealClock, type Clock } from '@skiff/core';
import { createInspector, isDescribeRequest, type DescribeRequest, type Inspector } from './inspection.js';
import { createLogger, type Logger, type ServiceLogger } from './logger.js';
import { addNatsService, endpointBus, hasNatsConnection } from './nats-service.js';
import type { SummaryLimits } from './value-summary.js';

export interface ServiceHostOptions {
  readonly bus: Bus;
  /** Cluster name: subjects live under `skiff.<cluster>.`. */
  readonly cluster: string;
  /** Service kind: `store`, `apiserver`, `scheduler`, ... (a NATS service name: letters, digits, `-`, `_`). */
  readonly service: string;
  /** This replica: a member name, a node name. */
  readonly instance: string;
  /** Semantic version (the NATS services framework requires one). */
  readonly version: string;
  readonly description: string;
  readonly clock?: Clock;
  readonly logger?: ServiceLogger;
  /** Extra metadata for `$SRV.INFO` (cluster and instance are always there). */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly inspection?: {
    readonly snapshotIntervalMs?: number;
    readonly transitionsPerFlushMax?: number;
    readonly summaryLimits?: SummaryLimits;
  };
}

export interface SpawnOptions<TInput> {
  /** Actor id: unique among this host's root actors; the id in logs and inspection. */
  readonly id: string;
  readonly input?: TInput;
  /** XState systemId, for `system.get(systemId)`. */
  readonly systemId?: string;
}

export interface AddEndpointOptions<Req extends Envelope> {
  /** Queue group: replicas share the subject, each request goes to one of them. */
  readonly queue?: string;
  /** Request shape check; a mismatch is answered with BadRequest. */
  readonly guard?: Guard<Req>;
  /** Handlers running at once for this endpoint (serveRequests' bound). */
  readonly concurrency?: number;
  /** Extra metadata shown by `$SRV.INFO`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export type ActorStatus = 'running' | 'done' | 'failed' | 'stopped';

export interface ActorHealth {
  readonly id: string;
  readonly machineId: string;
  readonly status: ActorStatus;
  readonly error?: string;
}

export interface HealthRequest extends Envelope {
  readonly type: 'health';
}

export interface HealthReply {
  readonly type: 'health.status';
  readonly service: string;
  readonly instance: string;
  readonly version: string;
  /** No hosted actor failed and the host is not stopping. */
  readonly healthy: boolean;
  /** The service said it is ready (`setReady(true)`) and is not stopping. */
  readonly ready: boolean;
  readonly actors: ActorHealth[];
}

export const isHealthRequest = guardOf<HealthRequest>('health', {});

export interface ServiceHost {
  readonly service: string;
  readonly instance: string;
  readonly version: string;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly logger: ServiceLogger;
  readonly subjects: Subjects;
  readonly inspector: Inspector;
  /** Subject of this instance's health endpoint. */
  readonly healthSubject: string;
  /** True when the service is registered with the NATS services framework. */
  readonly discoverable: boolean;
  spawn<TMachine extends AnyStateMachine>(machine: TMachine, opts: SpawnOptions<InputFrom<TMachine>>): Actor<TMachine>;
  addEndpoint<Req extends Envelope = Envelope>(
    name: string,
    subject: string,
    handler: RequestHandler<Req>,
    opts?: AddEndpointOptions<Req>,
  ): Promise<Endpoint>;
  setReady(ready: boolean): void;
  health(): HealthReply;
  /** Stops endpoints, then actors, then drains and closes the bus. Idempotent. */
  stop(): Promise<void>;
  /** Resolves once stop() has finished. */
  readonly stopped: Promise<void>;
}

export class HostConfigError extends Error {
  override readonly name = 'HostConfigError';
}

export class DuplicateActorError extends Error {
  override readonly name = 'DuplicateActorError';
  constructor(readonly actorId: string) {
    super(`an actor with id ${JSON.stringify(actorId)} is already running on this host`);
  }
}

/** Health of one service instance: `skiff.<cluster>.health.<service>.<instance>`. */
export function healthSubject(s: Subjects, service: string, instance: string): string {
  return `${s.prefix}.health.${subjectToken(service, 'service name')}.${subjectToken(instance, 'instance name')}`;
}

// Semantic Versioning 2.0.0 §2, §9, §10 (the services framework rejects anything else).
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export async function startServiceHost(opts: ServiceHostOptions): Promise<ServiceHost> {
  if (!SEMVER.test(opts.version)) throw new HostConfigError(`version ${JSON.stringify(opts.version)} is not a semantic version`);
  if (!/^[-\w]+$/.test(opts.service)) throw new HostConfigError(`service name ${JSON.stringify(opts.service)} must be letters, digits, '-' or '_'`);
  const host = new Host(opts);
  await host.start();
  return host;
}

interface Hosted {
  readonly actor: AnyActorRef & { stop(): unknown };
  readonly machineId: string;
  status: ActorStatus;
  error?: string;
}

class Host implements ServiceHost {
  readonly service: string;
  readonly instance: string;
  readonly version: string;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly logger: ServiceLogger;
  readonly subjects: Subjects;
  readonly inspector: Inspector;
  readonly healthSubject: string;
  readonly stopped: Promise<void>;
  private resolveStopped: () => void = () => {};
  private natsService: Service | undefined;
  private readonly endpoints: Endpoint[] = [];
  private readonly actors = new Map<string, Hosted>();
  private ready = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: ServiceHostOptions) {
    this.service = opts.service;
    this.instance = opts.instance;
    this.version = opts.version;
    this.bus = opts.bus;
    this.clock = opts.clock ?? new RealClock();
    this.logger = opts.logger ?? createLogger({ component: opts.service, instance: opts.instance });
    this.subjects = subjectsOf(opts.cluster);
    this.healthSubject = healthSubject(this.subjects, opts.service, opts.instance);
    this.inspector = createInspector({
      bus: opts.bus,
      subject: this.subjects.inspectEvents(opts.service, opts.instance),
      service: opts.service,
      instance: opts.instance,
      clock: this.clock,
      logger: this.logger,
      ...opts.inspection,
    });
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  get discoverable(): boolean {
    return this.natsService !== undefined;
  }

  async start(): Promise<void> {
    if (hasNatsConnection(this.bus)) {
      this.natsService = await addNatsService(this.bus, {
        name: this.service,
        version: this.version,
        description: this.opts.description,
        metadata: { ...this.opts.metadata, cluster: this.subjects.cluster, instance: this.instance },
      });
    }
    try {
      await this.addEndpoint('health', this.healthSubject, () => this.health(), { guard: isHealthRequest });
      const describe = (req: DescribeRequest) => this.inspector.describe(req);
      const inspectOpts = { guard: isDescribeRequest };
      await this.addEndpoint('inspect-describe', this.subjects.inspectDescribe(this.service, this.instance), describe, inspectOpts);
      await this.addEndpoint('inspect-describe-all', this.subjects.inspectDescribeAll, describe, inspectOpts);
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.logger.info({ version: this.version, bus: this.bus.name, discoverable: this.discoverable }, 'service host started');
  }

  spawn<TMachine extends AnyStateMachine>(machine: TMachine, opts: SpawnOptions<InputFrom<TMachine>>): Actor<TMachine> {
    if (this.stopping !== undefined) throw new HostConfigError(`host ${this.service}/${this.instance} is stopping: cannot spawn ${opts.id}`);
    const existing = this.actors.get(opts.id);
    if (existing !== undefined && existing.status === 'running') throw new DuplicateActorError(opts.id);
    const log = this.logger.loggerFor(opts.id);
    const actor = createActor(machine as AnyStateMachine, {
      id: opts.id,
      clock: this.clock,
      inspect: this.inspector.inspect,
      logger: (...args: unknown[]) => log.info({ xstate: args.length === 1 ? args[0] : args }, 'actor log'),
      ...(opts.input === undefined ? {} : { input: opts.input }),
      ...(opts.systemId === undefined ? {} : { systemId: opts.systemId }),
    });
    const hosted: Hosted = { actor, machineId: machineOf(actor)?.id ?? machine.id, status: 'running' };
    this.actors.set(opts.id, hosted);
    // An error observer is what keeps a failed actor from rethrowing its error out of a timer.
    actor.subscribe({
      error: (err) => this.actorFailed(hosted, err, log),
      complete: () => this.actorEnded(opts.id, hosted, log),
    });
    actor.start();
    log.debug({ machineId: hosted.machineId }, 'actor started');
    return actor as unknown as Actor<TMachine>;
  }

  async addEndpoint<Req extends Envelope = Envelope>(
    name: string,
    subject: string,
    handler: RequestHandler<Req>,
    opts: AddEndpointOptions<Req> = {},
  ): Promise<Endpoint> {
    if (this.stopping !== undefined) throw new HostConfigError(`host ${this.service}/${this.instance} is stopping: cannot add ${name}`);
    const log = this.logger.child({ endpoint: name });
    const bus =
      this.natsService === undefined
        ? this.bus
        : endpointBus(this.bus, this.natsService, {
            name,
            subject,
            ...(opts.queue === undefined ? {} : { queue: opts.queue }),
            ...(opts.metadata === undefined ? {} : { metadata: opts.metadata }),
          });
    const endpoint = serveRequests<Req>(bus, subject, handler, {
      ...(opts.queue === undefined ? {} : { queue: opts.queue }),
      ...(opts.guard === undefined ? {} : { guard: opts.guard }),
      ...(opts.concurrency === undefined ? {} : { concurrency: opts.concurrency }),
      onError: (err, msg) => log.warn({ err, subject: msg.subject }, 'request failed'),
    });
    this.endpoints.push(endpoint);
    // The subscription is known to the server once this resolves: requests sent after it arrive.
    await this.bus.flush();
    return endpoint;
  }

  setReady(ready: boolean): void {
    if (this.ready !== ready) this.logger.info({ ready }, 'readiness changed');
    this.ready = ready;
  }

  health(): HealthReply {
    const actors = [...this.actors.entries()].map(([id, h]) => ({
      id,
      machineId: h.machineId,
      status: h.status,
      ...(h.error === undefined ? {} : { error: h.error }),
    }));
    const stopping = this.stopping !== undefined;
    return {
      type: 'health.status',
      service: this.service,
      instance: this.instance,
      version: this.version,
      healthy: !stopping && actors.every((a) => a.status !== 'failed'),
      ready: !stopping && this.ready,
      actors,
    };
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.logger.info('service host stopping');
    // 1. No new requests: the framework drains its subscriptions; endpoints finish what is queued.
    await this.natsService?.stop();
    await Promise.allSettled(this.endpoints.map((e) => e.stop()));
    // 2. Actors stop; their final snapshots are published before the bus goes.
    for (const [id, hosted] of this.actors) {
      if (hosted.status !== 'running') continue;
      hosted.status = 'stopped';
      try {
        hosted.actor.stop();
      } catch (err) {
        this.logger.loggerFor(id).warn({ err }, 'actor did not stop cleanly');
      }
    }
    this.inspector.flush();
    this.inspector.stop();
    // 3. The bus drains (pending publishes reach the server) and closes.
    try {
      await this.bus.close();
    } catch (err) {
      this.logger.warn({ err }, 'bus did not close cleanly');
    }
    this.logger.info('service host stopped');
    this.resolveStopped();
  }

  private actorFailed(hosted: Hosted, err: unknown, log: Logger): void {
    hosted.status = 'failed';
    hosted.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    log.error({ err, machineId: hosted.machineId }, 'actor failed');
    this.inspector.actorFailed(hosted.actor, err);
  }

  private actorEnded(id: string, hosted: Hosted, log: Logger): void {
    if (hosted.status !== 'running') return;
    const done = (hosted.actor.getSnapshot() as { status?: string }).status === 'done';
    hosted.status = done ? 'done' : 'stopped';
    log.info({ machineId: hosted.machineId }, done ? 'actor reached its final state' : 'actor stopped');
    // A finished actor is neither a failure nor a running one: it leaves the health report.
    if (this.actors.get(id) === hosted) this.actors.delete(id);
  }
}
