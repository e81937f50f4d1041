// Snapshots of the replicated state, msgpack-encoded, for Raft InstallSnapshot and member restarts.
//
// Format v1 (a msgpack map):
//   { v: 1, kind: 'skiff.mvcc.snapshot', revision, compactRevision, historyFloor, nextLeaseId,
//     keys: [[keyBytes, [[rev, sub, createRevision, version, lease, value | null], ...]], ...],
//     leases: [[id, ttlSeconds, deadlineMs], ...],
//     sessions: { clockMs, clients: [[clientId, floorSeq, lastSeenMs, [[seq, response], ...]], ...] } }
// keys are in byte order, versions oldest first, a null value is a tombstone, clients oldest
// first. Without history each key has only its live version and historyFloor = revision; with
// history every retained version is kept and the event log is rebuilt from them on restore.
// The same state always encodes to the same bytes.

import { decode, encode } from '@msgpack/msgpack';
import { compareBytes, emptyBytes, toBinaryString } from './bytes.js';
import { newCore, type Core, type MvccLimits } from './core.js';
import type { KeyRecord, Version } from './key-index.js';
import type { SavedResponse } from './sessions.js';
import { EventType, type ChangeBatch, type KeyValue, type MvccEvent } from './types.js';

export interface SnapshotOptions {
  /** Keep every retained version and event (larger; watches and past reads survive restore). Default false. */
  readonly withHistory?: boolean;
}

const KIND = 'skiff.mvcc.snapshot';

type VersionRow = [number, number, number, number, number, Uint8Array | null];
type KeyRow = [Uint8Array, VersionRow[]];

function versionRow(v: Version): VersionRow {
  const kv = v.kv;
  return kv === null ? [v.rev, v.sub, 0, 0, 0, null] : [v.rev, v.sub, kv.createRevision, kv.version, kv.lease, kv.value];
}

/** The key rows, and roughly how many bytes they encode to (to size the encoder's buffer once). */
function keyRows(core: Core, withHistory: boolean): { rows: KeyRow[]; sizeBytes: number } {
  const rows: KeyRow[] = [];
  let sizeBytes = 0;
  core.index.forEach((record) => {
    const versions = withHistory ? record.versions : record.live === null ? [] : record.versions.slice(-1);
    if (versions.length === 0) return;
    rows.push([record.key, versions.map(versionRow)]);
    sizeBytes += record.key.length + 8;
    for (const v of versions) sizeBytes += (v.kv?.value.length ?? 0) + 48;
  });
  return { rows, sizeBytes };
}

export function encodeSnapshot(core: Core, options: SnapshotOptions): Uint8Array {
  const withHistory = options.withHistory ?? false;
  const keys = keyRows(core, withHistory);
  return encode(
    {
      v: 1,
      kind: KIND,
      revision: core.revision,
      compactRevision: core.compactRevision,
      historyFloor: withHistory ? core.historyFloor : core.revision,
      nextLeaseId: core.lessor.nextId,
      keys: keys.rows,
      leases: core.lessor.all().map((l) => [l.id, l.ttlSeconds, l.deadlineMs]),
      sessions: {
        clockMs: core.sessions.clockMs,
        clients: core.sessions.entries().map(([id, s]) => [id, s.floorSeq, s.lastSeenMs, [...s.responses.entries()]]),
      },
    },
    { ignoreUndefined: true, initialBufferSize: Math.min(keys.sizeBytes + 65_536, 2 ** 31 - 1) },
  );
}

// ---- decoding and validation ------------------------------------------------------------------

class Invalid extends Error {}

function need(ok: boolean, what: string): asserts ok {
  if (!ok) throw new Invalid(what);
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);

function loadHeader(raw: unknown, core: Core): Record<string, unknown> {
  need(isRecord(raw), 'snapshot is not a map');
  need(raw['v'] === 1 && raw['kind'] === KIND, `not a v1 ${KIND}`);
  const { revision, compactRevision, historyFloor, nextLeaseId } = raw;
  need(isInt(revision) && revision >= 1, 'bad revision');
  need(isInt(compactRevision) && compactRevision >= 0 && compactRevision <= revision, 'bad compactRevision');
  need(isInt(historyFloor) && historyFloor >= compactRevision && historyFloor <= revision, 'bad historyFloor');
  need(isInt(nextLeaseId) && nextLeaseId >= 1, 'bad nextLeaseId');
  core.revision = revision;
  core.compactRevision = compactRevision;
  core.historyFloor = historyFloor;
  core.lessor.nextId = nextLeaseId;
  return raw;
}

function loadLeases(raw: unknown, core: Core): void {
  need(Array.isArray(raw), 'leases is not a list');
  for (const row of raw) {
    need(Array.isArray(row) && row.length === 3 && row.every(isInt), 'bad lease row');
    const [id, ttl, deadline] = row as [number, number, number];
    need(id > 0 && core.lessor.get(id) === undefined, `bad or duplicate lease id ${id}`);
    core.lessor.load(id, ttl, deadline);
  }
}

function loadVersion(row: unknown, key: Uint8Array, prev: Version | undefined, revision: number): Version {
  need(Array.isArray(row) && row.length === 6 && row.slice(0, 5).every(isInt), 'bad version row');
  const [rev, sub, createRevision, version, lease, value] = row as VersionRow;
  need(rev >= 1 && rev <= revision && sub >= 0, `version revision ${rev} out of range`);
  need(prev === undefined || prev.rev < rev || (prev.rev === rev && prev.sub < sub), 'versions out of order');
  if (value === null) {
    need(prev === undefined || prev.kv !== null, 'two tombstones in a row');
    return { rev, sub, kv: null };
  }
  need(value instanceof Uint8Array, 'bad value');
  need(createRevision >= 1 && createRevision <= rev && version >= 1 && lease >= 0, 'bad key metadata');
  const kv: KeyValue = { key, value, createRevision, modRevision: rev, version, lease };
  return { rev, sub, kv };
}

function loadKeys(raw: unknown, core: Core): void {
  need(Array.isArray(raw), 'keys is not a list');
  let prevKey: Uint8Array | undefined;
  for (const row of raw) {
    need(Array.isArray(row) && row.length === 2 && row[0] instanceof Uint8Array && Array.isArray(row[1]), 'bad key row');
    const [key, versions] = row as [Uint8Array, unknown[]];
    need(key.length > 0 && (prevKey === undefined || compareBytes(prevKey, key) < 0), 'keys empty or out of order');
    need(versions.length > 0, 'key without versions');
    const name = toBinaryString(key);
    let prev: Version | undefined;
    for (const v of versions) {
      prev = loadVersion(v, key, prev, core.revision);
      core.index.append(name, key, prev);
    }
    const live = (prev as Version).kv;
    if (live !== null && live.lease !== 0) {
      need(core.lessor.get(live.lease) !== undefined, `key attached to missing lease ${live.lease}`);
      core.lessor.attach(live.lease, name);
    }
    prevKey = key;
  }
}

function loadSessions(raw: unknown, core: Core): void {
  need(isRecord(raw) && isInt(raw['clockMs']) && Array.isArray(raw['clients']), 'bad sessions');
  core.sessions.clockMs = raw['clockMs'];
  for (const row of raw['clients'] as unknown[]) {
    need(Array.isArray(row) && row.length === 4 && typeof row[0] === 'string' && isInt(row[1]) && isInt(row[2]) && Array.isArray(row[3]), 'bad session row');
    const responses = new Map<number, SavedResponse>();
    for (const entry of row[3] as unknown[]) {
      need(Array.isArray(entry) && entry.length === 2 && isInt(entry[0]) && isRecord(entry[1]) && typeof entry[1]['type'] === 'string', 'bad saved response');
      responses.set(entry[0] as number, entry[1] as unknown as SavedResponse);
    }
    core.sessions.load(row[0] as string, { floorSeq: row[1] as number, lastSeenMs: row[2] as number, responses });
  }
}

/** Rebuilds the event log above historyFloor from the versions (each one is exactly one event). */
function rebuildHistory(core: Core): void {
  const found: { v: Version; record: KeyRecord; prev: Version | undefined }[] = [];
  core.index.forEach((record) => {
    record.versions.forEach((v, i) => {
      if (v.rev > core.historyFloor) found.push({ v, record, prev: record.versions[i - 1] });
    });
  });
  found.sort((a, b) => a.v.rev - b.v.rev || a.v.sub - b.v.sub);
  let batch: { revision: number; events: MvccEvent[] } | undefined;
  for (const { v, record, prev } of found) {
    if (batch === undefined || batch.revision !== v.rev) {
      if (batch !== undefined) core.history.append(batch as ChangeBatch);
      batch = { revision: v.rev, events: [] };
    }
    batch.events.push(toEvent(v, record.key, prev?.kv ?? undefined));
  }
  if (batch !== undefined) core.history.append(batch);
}

function toEvent(v: Version, key: Uint8Array, prevKv: KeyValue | undefined): MvccEvent {
  const kv = v.kv ?? { key, value: emptyBytes, createRevision: 0, modRevision: v.rev, version: 0, lease: 0 };
  const type = v.kv === null ? EventType.Delete : EventType.Put;
  return prevKv === undefined ? { type, kv } : { type, kv, prevKv };
}

/** Decodes and validates a snapshot into a fresh core, or returns why it cannot. */
export function decodeSnapshot(bytes: Uint8Array, limits: MvccLimits): Core | string {
  const core = newCore(limits);
  try {
    need(bytes instanceof Uint8Array && bytes.length > 0, 'snapshot is empty');
    const raw = loadHeader(decode(bytes), core);
    loadLeases(raw['leases'], core);
    loadKeys(raw['keys'], core);
    loadSessions(raw['sessions'], core);
    rebuildHistory(core);
    return core;
  } catch (e) {
    return `invalid mvcc snapshot: ${e instanceof Error ? e.message : String(e)}`;
  }
}
