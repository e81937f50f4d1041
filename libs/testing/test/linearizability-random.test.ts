// Randomized tests. Histories recorded from a real sequential execution (an etcd-like store written
// here independently of the model), with random call/return windows around each operation's real
// moment, must always be linearizable; corrupted copies must not be. Small random histories must get
// the same verdict as a brute-force search over every order.
import { describe, expect, it } from 'vitest';

// Generous: these loop over hundreds of seeds on a shared 2-core machine. Not a timing assertion.
const SLOW_TEST_TIMEOUT_MS = 60_000;
import { SeededRandom, type Random } from '@skiff/core';
import {
  checkKvRevisionOrder,
  checkLinearizability,
  isPending,
  kvModel,
  returnTimeOf,
  type KvCompare,
  type KvInput,
  type KvOutput,
  type KvRecord,
  type KvState,
  type KvTxnOp,
  type Operation,
} from '../src/linearizability/index.js';

type KvOp = Operation<KvInput, KvOutput>;
type BranchOutput = Extract<KvOutput, { type: 'get' | 'put' | 'delete' }>;

interface StoredKv {
  value: string;
  version: number;
  createRevision: number;
  modRevision: number;
}

/** A sequential etcd-like store: one global revision, bumped by each write. */
class SequentialStore {
  private readonly data = new Map<string, StoredKv>();
  private revision = 0;

  read(key: string): StoredKv | undefined {
    return this.data.get(key);
  }

  apply(input: KvInput): KvOutput {
    if (input.type !== 'txn') return this.run(input.key, input);
    const succeeded = input.compares.every((c) => this.holds(input.key, c));
    const response = this.run(input.key, succeeded ? input.success : input.failure);
    return response === undefined ? { type: 'txn', succeeded } : { type: 'txn', succeeded, response };
  }

  private run(key: string, op: KvTxnOp): BranchOutput;
  private run(key: string, op: KvTxnOp | { type: 'none' }): BranchOutput | undefined;
  private run(key: string, op: KvTxnOp): BranchOutput | undefined {
    const prev = this.data.get(key);
    const prevKv = prev === undefined ? null : { ...prev };
    switch (op.type) {
      case 'none':
        return undefined;
      case 'get':
        return { type: 'get', kv: prevKv };
      case 'put': {
        const revision = ++this.revision;
        this.data.set(key, { value: op.value, version: (prev?.version ?? 0) + 1, createRevision: prev?.createRevision ?? revision, modRevision: revision });
        return { type: 'put', revision, prevKv };
      }
      case 'delete':
        if (prev === undefined) return { type: 'delete', deleted: 0, revision: this.revision, prevKv };
        this.data.delete(key);
        return { type: 'delete', deleted: 1, revision: ++this.revision, prevKv };
    }
  }

  private holds(key: string, c: KvCompare): boolean {
    const kv = this.data.get(key);
    if (c.target === 'value' && kv === undefined) return false;
    const actual = kv === undefined ? 0 : kv[c.target];
    if (c.result === '=') return actual === c.value;
    if (c.result === '!=') return actual !== c.value;
    return c.result === '<' ? actual < c.value : actual > c.value;
  }
}

interface Generated {
  readonly history: KvOp[];
  readonly withRevisions: boolean;
}

interface GenerateOptions {
  readonly operations: number;
  readonly keys: number;
  /** How far a call or return may lie from the operation's real moment (moments are 10 apart). */
  readonly spread: number;
  readonly withRevisions: boolean;
}

function generate(rng: Random, options: GenerateOptions): Generated {
  const store = new SequentialStore();
  const keys = Array.from({ length: options.keys }, (_, i) => `k${i}`);
  const history: KvOp[] = [];
  let values = 0;
  const fresh = (): string => `v${values++}`;
  for (let i = 0; i < options.operations; i++) {
    const moment = 10 * i + 5;
    const callTime = moment - rng.int(0, options.spread);
    const input = randomInput(rng, store, rng.pick(keys), fresh);
    const output = observe(store.apply(input), options.withRevisions);
    const clientId = i % 16;
    if (rng.chance(0.04)) history.push({ clientId, input, callTime });
    else history.push({ clientId, input, output, callTime, returnTime: moment + rng.int(0, options.spread) });
    // An operation that was sent but never reached the store: pending, and without effect.
    if (rng.chance(0.02)) history.push({ clientId: `lost${i}`, input: randomInput(rng, store, rng.pick(keys), fresh), callTime: moment });
  }
  return { history, withRevisions: options.withRevisions };
}

function randomInput(rng: Random, store: SequentialStore, key: string, fresh: () => string): KvInput {
  const roll = rng.next();
  if (roll < 0.3) return { type: 'get', key };
  if (roll < 0.6) return { type: 'put', key, value: fresh() };
  if (roll < 0.7) return { type: 'delete', key };
  const current = store.read(key);
  const compare: KvCompare = rng.pick<KvCompare>([
    { target: 'value', result: '=', value: rng.chance(0.7) ? (current?.value ?? 'none') : 'stale' },
    { target: 'modRevision', result: '=', value: (current?.modRevision ?? 0) - (rng.chance(0.3) ? 1 : 0) },
    { target: 'createRevision', result: '=', value: 0 },
    { target: 'version', result: rng.pick(['=', '>', '<', '!='] as const), value: current?.version ?? 0 },
  ]);
  const success: KvTxnOp = rng.chance(0.8) ? { type: 'put', value: fresh() } : { type: 'delete' };
  const failure: KvTxnOp = rng.chance(0.5) ? { type: 'get' } : { type: 'none' };
  return { type: 'txn', key, compares: [compare], success, failure };
}

/** What the client saw: everything, or values only (no revisions, versions or prevKv). */
function observe(output: KvOutput, withRevisions: boolean): KvOutput {
  if (withRevisions) return output;
  switch (output.type) {
    case 'get':
      return { type: 'get', kv: output.kv === null ? null : { value: output.kv.value } };
    case 'put':
      return { type: 'put' };
    case 'delete':
      return output.deleted === undefined ? { type: 'delete' } : { type: 'delete', deleted: output.deleted };
    case 'txn':
      return output.response === undefined
        ? { type: 'txn', succeeded: output.succeeded }
        : { type: 'txn', succeeded: output.succeeded, response: observe(output.response, false) as BranchOutput };
  }
}

/** The witness must hold each searched op once, respect real time, and replay legally. */
function expectValidWitness(history: readonly KvOp[], linearizations: ReadonlyMap<string, readonly KvOp[]>): void {
  const searched = history.filter((op) => !(isPending(op) && kvModel.isReadOnly!(op.input)));
  const witnessed = [...linearizations.values()].flat();
  expect(witnessed.length).toBe(searched.length);
  expect(new Set(witnessed).size).toBe(searched.length);
  for (const [key, order] of linearizations) {
    let states: readonly KvState[] = [kvModel.init()];
    let earliestReturnAfter = Number.POSITIVE_INFINITY;
    for (let i = order.length - 1; i >= 0; i--) {
      const op = order[i]!;
      // No later op in the witness may have returned before this one was called.
      if (earliestReturnAfter < op.callTime) expect.fail(`witness for ${key} puts an op after one that returned before its call`);
      earliestReturnAfter = Math.min(earliestReturnAfter, returnTimeOf(op));
    }
    for (const op of order) {
      if (op.input.key !== key) expect.fail(`witness for ${key} holds an op on ${op.input.key}`);
      states = states.flatMap((s) => kvModel.step(s, op.input, isPending(op) ? undefined : op.output));
      if (states.length === 0) expect.fail(`witness for ${key} does not replay`);
    }
  }
}

type Corruption = { readonly name: string; readonly key: string; readonly history: KvOp[] };

function returned(op: KvOp): op is KvOp & { output: KvOutput; returnTime: number } {
  return !isPending(op);
}

/** The value a returned op wrote, when it wrote one (values are unique per write). */
function writtenValue(op: KvOp): string | undefined {
  if (!returned(op)) return undefined;
  if (op.input.type === 'put') return op.input.value;
  if (op.input.type === 'txn' && op.output.type === 'txn' && op.output.succeeded && op.input.success.type === 'put') return op.input.success.value;
  return undefined;
}

function isWrite(op: KvOp): boolean {
  if (!returned(op)) return false;
  if (op.input.type === 'put') return true;
  if (op.input.type === 'delete') return op.output.type === 'delete' && op.output.deleted === 1;
  return op.input.type === 'txn' && op.output.type === 'txn' && op.output.succeeded && op.input.success.type !== 'none' && op.input.success.type !== 'get';
}

function withGetValue(history: readonly KvOp[], target: KvOp, kv: KvRecord | null): KvOp[] {
  return history.map((op) => (op === target ? { ...op, output: { type: 'get', kv } } : op));
}

/** Corruptions that no linearizable store could produce (values are unique, so each is certain). */
function corruptions(rng: Random, history: readonly KvOp[]): Corruption[] {
  const gets = history.filter((op) => returned(op) && op.input.type === 'get');
  const found: Corruption[] = [];
  const read = rng.pick(gets);
  found.push({ name: 'value never written', key: read.input.key, history: withGetValue(history, read, { value: 'never-written' }) });
  const future = history.find((op) => op.input.key === read.input.key && op.callTime > returnTimeOf(read) && writtenValue(op) !== undefined);
  if (future !== undefined) {
    found.push({ name: 'read from the future', key: read.input.key, history: withGetValue(history, read, { value: writtenValue(future)! }) });
  }
  const stale = findStaleRead(rng, history, gets);
  if (stale !== undefined) found.push(stale);
  return found;
}

/** A read after W1 -> W2 -> read (all in real-time order) that returns W1's value. */
function findStaleRead(rng: Random, history: readonly KvOp[], gets: readonly KvOp[]): Corruption | undefined {
  for (let attempt = 0; attempt < 20; attempt++) {
    const read = rng.pick(gets);
    const sameKey = history.filter((op) => op.input.key === read.input.key);
    const second = sameKey.filter((w) => isWrite(w) && returnTimeOf(w) < read.callTime);
    for (const w2 of second) {
      const w1 = sameKey.find((w) => writtenValue(w) !== undefined && returnTimeOf(w) < w2.callTime);
      if (w1 !== undefined) {
        return { name: 'stale read', key: read.input.key, history: withGetValue(history, read, { value: writtenValue(w1)! }) };
      }
    }
  }
  return undefined;
}

describe('histories from a real sequential execution', () => {
  it('are always linearizable, with a valid witness, over 200 seeds', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rng = new SeededRandom(seed);
      const { history } = generate(rng, { operations: 150, keys: rng.int(1, 4), spread: rng.int(0, 60), withRevisions: rng.chance(0.5) });
      const result = checkLinearizability(kvModel, history);
      expect({ seed, type: result.type }).toEqual({ seed, type: 'linearizable' });
      if (result.type === 'linearizable') expectValidWitness(history, result.linearizations);
      expect({ seed, violations: checkKvRevisionOrder(history) }).toEqual({ seed, violations: [] });
    }
  }, SLOW_TEST_TIMEOUT_MS);

  it('are linearizable at sim scale: 3,000 operations over 50 keys', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const rng = new SeededRandom(seed);
      const { history } = generate(rng, { operations: 3000, keys: 50, spread: 80, withRevisions: seed % 2 === 0 });
      const result = checkLinearizability(kvModel, history, { maxSteps: 1_000_000 });
      expect({ seed, type: result.type }).toEqual({ seed, type: 'linearizable' });
      expect(result.stats.partitions).toBe(50);
    }
  }, SLOW_TEST_TIMEOUT_MS);

  it('become illegal when corrupted, on the corrupted key', () => {
    const seen = new Map<string, number>();
    for (let seed = 1; seed <= 100; seed++) {
      const rng = new SeededRandom(seed);
      const { history } = generate(rng, { operations: 80, keys: rng.int(1, 3), spread: rng.int(0, 40), withRevisions: rng.chance(0.5) });
      for (const corruption of corruptions(rng, history)) {
        seen.set(corruption.name, (seen.get(corruption.name) ?? 0) + 1);
        const result = checkLinearizability(kvModel, corruption.history);
        expect({ seed, corruption: corruption.name, type: result.type }).toEqual({ seed, corruption: corruption.name, type: 'illegal' });
        if (result.type === 'illegal') expect(result.failure.partitionKey).toBe(corruption.key);
      }
    }
    // Each kind of corruption was actually exercised.
    for (const name of ['value never written', 'read from the future', 'stale read']) expect(seen.get(name) ?? 0).toBeGreaterThan(20);
  }, SLOW_TEST_TIMEOUT_MS);

  it('fail on a write revision lowered below one that finished before it started', () => {
    let tried = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const rng = new SeededRandom(seed);
      const { history } = generate(rng, { operations: 100, keys: 2, spread: 20, withRevisions: true });
      const puts = history.filter((op) => returned(op) && op.input.type === 'put');
      const w1 = rng.pick(puts);
      const w2 = puts.find((op) => op.callTime > returnTimeOf(w1));
      const revision = w1.output?.type === 'put' ? w1.output.revision : undefined;
      if (w2 === undefined || revision === undefined) continue;
      tried++;
      const lowered = history.map((op): KvOp => (op === w2 ? { ...op, output: { type: 'put', revision } } : op));
      expect(checkKvRevisionOrder(lowered).length).toBeGreaterThan(0);
      if (w1.input.key === w2.input.key) expect(checkLinearizability(kvModel, lowered).type).toBe('illegal');
    }
    expect(tried).toBeGreaterThan(30);
  });
});

describe('small random histories against a brute-force search', () => {
  it('get the same verdict as trying every order', () => {
    const verdicts = { linearizable: 0, illegal: 0 };
    for (let seed = 1; seed <= 1500; seed++) {
      const rng = new SeededRandom(seed);
      const history = randomSmallHistory(rng);
      const expected = bruteForce(history);
      const result = checkLinearizability(kvModel, history);
      expect({ seed, ok: result.ok }).toEqual({ seed, ok: expected });
      verdicts[expected ? 'linearizable' : 'illegal']++;
    }
    expect(verdicts.linearizable).toBeGreaterThan(200);
    expect(verdicts.illegal).toBeGreaterThan(200);
  }, SLOW_TEST_TIMEOUT_MS);
});

/** 2 to 7 operations on one or two keys with outputs drawn at random from a small plausible set. */
function randomSmallHistory(rng: Random): KvOp[] {
  const keys = rng.chance(0.5) ? ['a'] : ['a', 'b'];
  const revision = (): { revision?: number } => (rng.chance(0.5) ? { revision: rng.int(1, 4) } : {});
  return Array.from({ length: rng.int(2, 7) }, (_, i): KvOp => {
    const key = rng.pick(keys);
    const value = rng.pick(['x', 'y']);
    const callTime = rng.int(0, 12);
    const inputs: [KvInput, KvOutput][] = [
      [{ type: 'get', key }, { type: 'get', kv: rng.chance(0.3) ? null : { value, ...(rng.chance(0.4) ? { modRevision: rng.int(1, 4) } : {}) } }],
      [{ type: 'put', key, value }, { type: 'put', ...revision() }],
      [{ type: 'delete', key }, { type: 'delete', deleted: rng.int(0, 1), ...revision() }],
      [
        { type: 'txn', key, compares: [rng.pick<KvCompare>([{ target: 'value', result: '=', value: 'x' }, { target: 'createRevision', result: '=', value: 0 }, { target: 'modRevision', result: '=', value: 2 }])], success: { type: 'put', value }, failure: { type: 'none' } },
        { type: 'txn', succeeded: rng.chance(0.5) },
      ],
    ];
    const [input, output] = rng.pick(inputs);
    if (rng.chance(0.15)) return { clientId: i, input, callTime };
    return { clientId: i, input, output, callTime, returnTime: callTime + rng.int(0, 6) };
  });
}

/** Every order consistent with real time, keeping one state per key; no memo, no partitions. */
function bruteForce(history: readonly KvOp[]): boolean {
  const used = history.map(() => false);
  const search = (placed: number, states: ReadonlyMap<string, KvState>): boolean => {
    if (placed === history.length) return true;
    return history.some((op, i) => {
      if (used[i]) return false;
      if (history.some((other, j) => !used[j] && j !== i && returnTimeOf(other) < op.callTime)) return false;
      const before = states.get(op.input.key) ?? kvModel.init();
      used[i] = true;
      const found = kvModel
        .step(before, op.input, isPending(op) ? undefined : op.output)
        .some((next) => search(placed + 1, new Map(states).set(op.input.key, next)));
      used[i] = false;
      return found;
    });
  };
  return search(0, new Map());
}
