// The store as a component of a local cluster: `--store-members` members (default 3) in this
// process, each with its own write-ahead log under <data-dir>/store/<member> (fsync on), its own
// NATS connection and its own service host (so `skiff inspect` shows each member's Raft actor and
// `skiff status` finds each member). Ready once a leader is elected and a write commits through it.
// A member whose log fails halts and reports `component.failed`, which stops the cluster.

import { join } from 'node:path';
import { startServiceHost, systemRandom, type ServiceHost } from '@skiff/actors';
import { call, NatsBus, NoRespondersError, RemoteError, subjects, TimeoutError, type Bus, type Envelope } from '@skiff/bus';
import { utf8 } from '@skiff/mvcc';
import { createStoreMember, type StoreMember } from '@skiff/store';
import { Wal } from '@skiff/wal';
import type { Component, ComponentContext, ComponentHandle } from './component.js';
import { DEFAULT_STORE_MEMBERS } from './options.js';

export const STORE = 'store';
/** A quorum must form and commit a first write within this time. */
export const STORE_READY_TIMEOUT_MS = 30_000;
const READY_KEY = '/skiff/store/quorum';

export const storeComponent: Component = {
  name: STORE,
  title: 'Store quorum',
  start: startStore,
};

/** Member names of a local cluster: store-1 .. store-<n>. */
export function storeMemberNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `store-${i + 1}`);
}

interface Running {
  readonly member: StoreMember;
  readonly host: ServiceHost;
  readonly wal: Wal;
}

async function startStore(ctx: ComponentContext): Promise<ComponentHandle> {
  const names = storeMemberNames(ctx.options.storeMembers ?? DEFAULT_STORE_MEMBERS);
  const running: Running[] = [];
  const stopAll = async (): Promise<void> => {
    // The whole quorum stops: handing leadership around on the way out would only slow it down.
    for (const r of running.splice(0).reverse()) {
      await r.member.stop({ transferLeadership: false });
      await r.host.stop();
      await r.wal.close();
    }
  };
  try {
    for (const name of names) running.push(await startMember(ctx, name, names));
  } catch (err) {
    await stopAll();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    ready: firstCommit(ctx, running[0]!.host.bus),
    stop: () => (stopping ??= stopAll()),
  };
}

async function startMember(ctx: ComponentContext, name: string, names: readonly string[]): Promise<Running> {
  const log = ctx.logger.child({ member: name });
  const { wal, state, warnings } = await Wal.open(join(ctx.dataDir, STORE, name), { fsync: true });
  for (const w of warnings) log.warn({ warning: w }, `store log recovery: ${w.type}`);
  let bus: NatsBus | undefined;
  let host: ServiceHost;
  try {
    bus = await NatsBus.connect({ servers: ctx.natsUrls, name: `skiff-${ctx.cluster}-${name}` });
    host = await startServiceHost({
      bus,
      cluster: ctx.cluster,
      service: STORE,
      instance: name,
      version: ctx.version,
      description: 'Skiff store member: Raft + MVCC + write-ahead log',
      clock: ctx.clock,
      logger: Object.assign(log, { loggerFor: (actorId: string) => log.child({ actorId }) }),
      metadata: { members: names.join(',') },
    });
  } catch (err) {
    await bus?.close();
    await wal.close();
    throw err;
  }
  const maxPayloadBytes = bus.connection.info?.max_payload;
  const member = createStoreMember({
    name,
    members: names,
    cluster: ctx.cluster,
    bus: host.bus,
    wal,
    recovered: state,
    clock: ctx.clock,
    random: systemRandom(),
    logger: log,
    host,
    onFatal: (err) => ctx.events.emit({ type: 'component.failed', name: STORE, error: `${name}: ${(err as Error)?.message ?? String(err)}` }),
    options: maxPayloadBytes === undefined ? {} : { maxPayloadBytes },
  });
  await member.start();
  host.setReady(true);
  return { member, host, wal };
}

/** Resolves once a put through `store.leader` is committed and applied; retries while no leader answers. */
async function firstCommit(ctx: ComponentContext, bus: Bus): Promise<void> {
  const s = subjects(ctx.cluster);
  const startedMs = ctx.clock.now();
  const command = { type: 'put', key: utf8(READY_KEY), value: utf8(new Date(startedMs).toISOString()), clientId: `skiff-up-${ctx.instance}-${process.pid}-${startedMs}`, seq: 1 };
  for (let attempt = 1; ; attempt++) {
    try {
      const reply = await call<Envelope & { response: { type: string; message?: string } }>(bus, s.storeLeader, { type: 'store.command', command }, 2_000);
      if (reply.response.type === 'put') return;
      throw new Error(`the first write failed: ${reply.response.message ?? reply.response.type}`);
    } catch (err) {
      const retryable = err instanceof NoRespondersError || err instanceof TimeoutError || (err instanceof RemoteError && ['NotLeader', 'Unavailable'].includes(err.code));
      if (!retryable) throw err;
      if (ctx.clock.now() - startedMs > STORE_READY_TIMEOUT_MS) throw new Error(`no store leader committed a write within ${STORE_READY_TIMEOUT_MS} ms (${attempt} attempts)`);
      await new Promise<void>((resolve) => ctx.clock.setTimeout(resolve, Math.min(50 * attempt, 500)));
    }
  }
}
