// A follower assembles InstallSnapshot chunks (Raft §7, Figure 13) and restores from the result:
// if its log already holds the snapshot's last entry it keeps the log and only commits up to it;
// otherwise it discards the whole log and the adapter installs the snapshot.

import { commitTo, emptyLog, matchTerm } from './log.js';
import type { InstallSnapshot, InstallSnapshotResp } from './messages.js';
import type { Outbox } from './ready.js';
import { envelope, type IncomingSnapshot, type RaftState } from './state.js';
import type { Snapshot, SnapshotMeta } from './types.js';

export function handleInstallSnapshot(s: RaftState, m: InstallSnapshot, out: Outbox): RaftState {
  // Everything in it is committed here already (a late or duplicate message).
  if (m.meta.index <= s.log.committed) return reply(s, m, out, { installed: true, index: s.log.committed });
  const current = s.incomingSnapshot !== null && sameMeta(s.incomingSnapshot.meta, m.meta) ? s.incomingSnapshot : null;
  const held = current?.receivedBytes ?? 0;
  if (current !== null && m.offset < held) return reply(s, m, out, { offset: held });
  if (m.offset !== held) return reply({ ...s, incomingSnapshot: current }, m, out, { offset: held, reject: true });
  const incoming: IncomingSnapshot = { meta: m.meta, chunks: [...(current?.chunks ?? []), m.data], receivedBytes: held + m.data.byteLength };
  if (!m.done) return reply({ ...s, incomingSnapshot: incoming }, m, out, { offset: incoming.receivedBytes });
  const restored = restore({ ...s, incomingSnapshot: null }, { meta: m.meta, data: concat(incoming.chunks, incoming.receivedBytes) }, out);
  return reply(restored, m, out, { installed: true, index: m.meta.index, offset: incoming.receivedBytes });
}

/** Raft §7: keep the log if it contains the snapshot's last entry, otherwise replace it by the snapshot. */
export function restore(s: RaftState, snapshot: Snapshot, out: Outbox): RaftState {
  if (matchTerm(s.log, snapshot.meta.index, snapshot.meta.term)) return { ...s, log: commitTo(s.log, snapshot.meta.index) };
  out.snapshotToInstall = snapshot;
  return { ...s, snapshot, log: emptyLog(snapshot.meta.index, snapshot.meta.term) };
}

interface ReplyFields {
  readonly installed?: boolean;
  readonly index?: number;
  readonly offset?: number;
  readonly reject?: boolean;
}

function reply(s: RaftState, m: InstallSnapshot, out: Outbox, f: ReplyFields): RaftState {
  const resp: InstallSnapshotResp = {
    type: 'InstallSnapshotResp',
    ...envelope(s, m.from),
    snapshotIndex: m.meta.index,
    offset: f.offset ?? 0,
    installed: f.installed ?? false,
    reject: f.reject ?? false,
    index: f.index ?? 0,
  };
  out.messages.push(resp);
  return s;
}

function sameMeta(a: SnapshotMeta, b: SnapshotMeta): boolean {
  return a.index === b.index && a.term === b.term;
}

function concat(chunks: readonly Uint8Array[], totalBytes: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const data = new Uint8Array(totalBytes);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return data;
}
