// Micro-benchmark of the state machine alone (no Raft, no NATS): puts, txns, ranges, watch
// polling, compaction, snapshot. Run: node --import tsx libs/mvcc/bench/mvcc.bench.ts [keys]
// Numbers are for comparing variants side by side on one machine, not assertions.

import { MvccStore, prefixRange, utf8, WatchRegistry } from '../src/index.js';

const keys = Number(process.argv[2] ?? 100_000);
const value = new Uint8Array(1024).fill(7);
const keyOf = (i: number): Uint8Array => utf8(`/registry/pods/ns-${i % 100}/pod-${String(i).padStart(7, '0')}`);

function time(label: string, n: number, fn: () => void): void {
  const start = process.hrtime.bigint();
  fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${label.padEnd(44)} ${String(n).padStart(8)} ops ${ms.toFixed(0).padStart(7)} ms ${Math.round((n / ms) * 1000).toLocaleString('en').padStart(12)} ops/s`);
}

const store = new MvccStore();
const watches = new WatchRegistry(store);
watches.create({ ...prefixRange('/registry/pods/') });
watches.create({ ...prefixRange('/registry/pods/ns-7/') });

time('put (new keys, 1 KiB values)', keys, () => {
  for (let i = 0; i < keys; i++) store.apply({ type: 'put', key: keyOf(i), value, clientId: 'bench', seq: i + 1 });
});
time('put (updates)', keys, () => {
  for (let i = 0; i < keys; i++) store.apply({ type: 'put', key: keyOf((i * 7919) % keys), value });
});
time('txn CAS on modRevision (k8s update)', keys, () => {
  for (let i = 0; i < keys; i++) {
    const key = keyOf((i * 104729) % keys);
    const cur = store.range({ key });
    const modRevision = cur.type === 'range' ? (cur.kvs[0]?.modRevision ?? 0) : 0;
    store.apply({ type: 'txn', compare: [{ target: 'modRevision', result: '=', key, value: modRevision }], success: [{ type: 'put', key, value }], failure: [{ type: 'range', key }] });
  }
});
time('put + watch poll every 100 puts (2 watches)', keys, () => {
  for (let i = 0; i < keys / 100; i++) {
    for (let j = 0; j < 100; j++) store.apply({ type: 'put', key: keyOf(i * 100 + j), value });
    watches.poll();
  }
});
time('get one key', keys, () => {
  for (let i = 0; i < keys; i++) store.range({ key: keyOf((i * 31) % keys) });
});
time('range prefix of one namespace (1% of keys)', 200, () => {
  for (let i = 0; i < 200; i++) store.range(prefixRange(`/registry/pods/ns-${i % 100}/`));
});
time('range prefix limit 500 (k8s list, first page)', 200, () => {
  for (let i = 0; i < 200; i++) store.range({ ...prefixRange('/registry/pods/'), limit: 500 });
});
time('range prefix limit 500 at a past revision', 20, () => {
  for (let i = 0; i < 20; i++) store.range({ ...prefixRange('/registry/pods/'), limit: 500, revision: store.revision - 1 });
});
time('compact to current', 1, () => {
  store.apply({ type: 'compact', revision: store.revision });
});
let bytes = new Uint8Array(0);
time('snapshot', 1, () => {
  bytes = store.snapshot();
});
console.log(`snapshot size ${(bytes.length / 1048576).toFixed(1)} MiB`);
time('restore', 1, () => {
  const r = new MvccStore().restore(bytes);
  if (!r.ok) throw new Error(r.error);
});
