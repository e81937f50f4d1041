// Cutting what the store sends into bus-sized pieces (pure). A bus message has a hard size limit
// (NATS max_payload), so events and history are measured before they are encoded: a history page
// stops before the budget, and store.events is split into several messages.

import type { ChangeBatch, KeyValue } from '@skiff/mvcc';

const KV_OVERHEAD_BYTES = 64;
const BATCH_OVERHEAD_BYTES = 32;

function kvSizeBytes(kv: KeyValue | undefined): number {
  return kv === undefined ? 0 : kv.key.byteLength + kv.value.byteLength + KV_OVERHEAD_BYTES;
}

/** Rough encoded size of one change batch (keys, values, previous versions, fields). */
export function batchSizeBytes(batch: ChangeBatch): number {
  let size = BATCH_OVERHEAD_BYTES;
  for (const e of batch.events) size += kvSizeBytes(e.kv) + kvSizeBytes(e.prevKv) + 8;
  return size;
}

/** Consecutive groups of batches, each within `budgetBytes` (a larger batch goes alone). */
export function chunkBatches(batches: readonly ChangeBatch[], budgetBytes: number): ChangeBatch[][] {
  const chunks: ChangeBatch[][] = [];
  let current: ChangeBatch[] = [];
  let used = 0;
  for (const b of batches) {
    const size = batchSizeBytes(b);
    if (current.length > 0 && used + size > budgetBytes) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(b);
    used += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The longest prefix within `budgetBytes` (at least one batch, so a reader always moves on). */
export function pagePrefix(batches: readonly ChangeBatch[], budgetBytes: number): ChangeBatch[] {
  return chunkBatches(batches, budgetBytes)[0] ?? [];
}
