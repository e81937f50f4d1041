// A watcher of every key, as Kubernetes' reflector uses the store: watch from a revision, and when
// the watch ends (history compacted away, e.g. by a leader restored from a snapshot, or the store
// unreachable past the call deadline) relist with a linearizable range and watch again from there.
// It replays what it receives into its own copy of the keyspace and checks, as it goes, that
// revisions come in order without gaps or repeats (every revision writes at least one key, and the
// watch covers every key) and that each event's prevKv is the version it replaced. At the end its
// copy must equal the members' keyspace (sim-checks.ts).

import { compareBytes, type KeyValue, type MvccEvent } from '@skiff/mvcc';
import type { StoreClient, StoreWatch, WatchBatch } from '@skiff/store-client';
import type { SimTrace } from './sim-trace.js';
import { ALL_KEYS } from './sim-invariants.js';
import { describeKeyspace } from './sim-checks.js';

const text = new TextDecoder();

export class SimWatcher {
  private readonly keys = new Map<string, KeyValue>();
  private watch: StoreWatch | null = null;
  private stopped = false;
  /** Every revision up to this one has been applied to the copy (a new store is at revision 1). */
  revision = 1;
  relists = 0;
  events = 0;
  problem: string | null = null;

  constructor(
    private readonly store: StoreClient,
    private readonly trace: SimTrace,
  ) {}

  start(): void {
    void this.run().catch((err: unknown) => (this.problem ??= `watcher stopped: ${String(err)}`));
  }

  stop(): void {
    this.stopped = true;
    this.watch?.cancel();
  }

  /** The watcher's copy, as describeKeyspace renders it (key order). */
  keyspace(): string {
    const kvs = [...this.keys.values()].sort((a, b) => compareBytes(a.key, b.key));
    return describeKeyspace(kvs);
  }

  private async run(): Promise<void> {
    let from = 1;
    while (!this.stopped && this.problem === null) {
      this.watch = this.store.watch(ALL_KEYS.key, { rangeEnd: ALL_KEYS.rangeEnd, fromRevision: from, prevKv: true, progressIntervalMs: 1_000 });
      try {
        for await (const batch of this.watch) this.apply(batch);
        return;
      } catch (err) {
        if (this.stopped) return;
        this.trace.note('watch', `ended at revision ${this.revision}: ${err instanceof Error ? err.name : String(err)}; relisting`);
        from = (await this.relist()) + 1;
      }
    }
  }

  /** A linearizable range of every key replaces the copy; retried until it answers. */
  private async relist(): Promise<number> {
    for (;;) {
      try {
        const r = await this.store.range(ALL_KEYS.key, { rangeEnd: ALL_KEYS.rangeEnd });
        this.keys.clear();
        for (const kv of r.kvs) this.keys.set(text.decode(kv.key), kv);
        this.revision = r.revision;
        this.relists++;
        return r.revision;
      } catch (err) {
        if (this.stopped) return this.revision;
        this.trace.note('watch', `relist failed: ${err instanceof Error ? err.name : String(err)}`);
      }
    }
  }

  private apply(batch: WatchBatch): void {
    if (batch.events.length === 0) return;
    if (batch.revision !== this.revision + 1) {
      this.problem ??= `watch delivered revision ${batch.revision} after ${this.revision}`;
      return;
    }
    for (const e of batch.events) this.applyEvent(batch.revision, e);
    this.revision = batch.revision;
  }

  private applyEvent(revision: number, e: MvccEvent): void {
    const key = text.decode(e.kv.key);
    const before = this.keys.get(key);
    if (e.kv.modRevision !== revision) this.problem ??= `event on ${key} in revision ${revision} has modRevision ${e.kv.modRevision}`;
    if (!sameVersion(before, e.prevKv)) {
      this.problem ??= `event on ${key} at revision ${revision}: prevKv ${describeKeyspace(e.prevKv === undefined ? [] : [e.prevKv])} but the watch saw ${describeKeyspace(before === undefined ? [] : [before])}`;
    }
    if (e.type === 'PUT') this.keys.set(key, e.kv);
    else this.keys.delete(key);
    this.events++;
  }
}

function sameVersion(a: KeyValue | undefined, b: KeyValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return describeKeyspace([a]) === describeKeyspace([b]);
}
