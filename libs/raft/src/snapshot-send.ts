// The leader streams its snapshot to a follower behind the first retained entry (Raft §7,
// Figure 13), one chunk at a time: the next chunk leaves when the previous one is acknowledged,
// and a heartbeat answer resends the current one (NATS may drop messages). A transfer finishes
// with the snapshot it started with, even if a newer one is taken meanwhile.

import type { InstallSnapshotResp } from './messages.js';
import { lastIndex } from './log.js';
import { becomeProbe, becomeSnapshot, ProgressState, type Progress } from './progress.js';
import type { Outbox } from './ready.js';
import { sendAppend } from './replication.js';
import { envelope, withProgress, type RaftState } from './state.js';

export function startSnapshot(s: RaftState, to: string, pr: Progress, out: Outbox): RaftState {
  if (s.snapshot === null) return s;
  return sendSnapshotChunk(withProgress(s, to, becomeSnapshot(pr, s.snapshot)), to, out);
}

export function sendSnapshotChunk(s: RaftState, to: string, out: Outbox): RaftState {
  const pr = s.progress.get(to);
  const snapshot = pr?.snapshot;
  if (pr === undefined || pr.state !== ProgressState.snapshot || snapshot == null) return s;
  const end = Math.min(pr.snapshotOffset + s.config.snapshotChunkBytes, snapshot.data.byteLength);
  const data = snapshot.data.subarray(pr.snapshotOffset, end);
  out.messages.push({ type: 'InstallSnapshot', ...envelope(s, to), meta: snapshot.meta, offset: pr.snapshotOffset, data, done: end === snapshot.data.byteLength });
  return s;
}

export function handleSnapshotResponse(s: RaftState, m: InstallSnapshotResp, out: Outbox): RaftState {
  const pr = s.progress.get(m.from);
  if (pr === undefined || pr.state !== ProgressState.snapshot || m.snapshotIndex !== pr.pendingSnapshot) return s;
  if (m.installed) {
    const match = Math.max(pr.match, Math.min(m.index, lastIndex(s.log)));
    return sendAppend(withProgress(s, m.from, becomeProbe({ ...pr, match })), m.from, out, true);
  }
  // Move forward on a new acknowledgement; move back only when the follower says it lost chunks.
  const moved = m.reject ? m.offset !== pr.snapshotOffset : m.offset > pr.snapshotOffset;
  if (!moved) return s;
  return sendSnapshotChunk(withProgress(s, m.from, { ...pr, snapshotOffset: m.offset }), m.from, out);
}
