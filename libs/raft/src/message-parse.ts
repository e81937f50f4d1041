// Boundary check for messages decoded from the network (msgpack). Anything that is not a well
// formed Raft message gets a RaftMessageError saying what is wrong; the core itself then only
// ever sees well-formed input.

import { RaftMessageError } from './errors.js';
import type { Message, MessageType } from './messages.js';
import type { Entry, SnapshotMeta } from './types.js';

type Fields = Record<string, unknown>;
type Check = (m: Fields) => void;

export function parseMessage(value: unknown): Message {
  if (typeof value !== 'object' || value === null) throw new RaftMessageError('not an object');
  const m = value as Fields;
  const check = checks[m['type'] as MessageType];
  if (check === undefined) throw new RaftMessageError(`unknown type ${String(m['type'])}`);
  nat(m, 'term');
  id(m, 'from');
  id(m, 'to');
  check(m);
  return m as unknown as Message;
}

const checks: Record<MessageType, Check> = {
  RequestVote: (m) => (bool(m, 'preVote'), nat(m, 'lastLogIndex'), nat(m, 'lastLogTerm'), bool(m, 'transfer')),
  RequestVoteResp: (m) => (bool(m, 'preVote'), bool(m, 'granted')),
  AppendEntries: (m) => (nat(m, 'prevLogIndex'), nat(m, 'prevLogTerm'), nat(m, 'commit'), entries(m)),
  AppendEntriesResp: (m) => (bool(m, 'success'), nat(m, 'index'), nat(m, 'hintIndex'), nat(m, 'hintTerm')),
  Heartbeat: (m) => (nat(m, 'commit'), nat(m, 'context')),
  HeartbeatResp: (m) => nat(m, 'context'),
  InstallSnapshot: (m) => (meta(m['meta']), nat(m, 'offset'), bytes(m, 'data'), bool(m, 'done')),
  InstallSnapshotResp: (m) => (nat(m, 'snapshotIndex'), nat(m, 'offset'), bool(m, 'installed'), bool(m, 'reject'), nat(m, 'index')),
  TimeoutNow: () => undefined,
  ReadIndex: (m) => id(m, 'requestId'),
  ReadIndexResp: (m) => (id(m, 'requestId'), nat(m, 'index')),
};

function nat(m: Fields, key: string): void {
  const v = m[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new RaftMessageError(`${key} must be a non-negative integer`);
}

function id(m: Fields, key: string): void {
  const v = m[key];
  if (typeof v !== 'string' || v.length === 0) throw new RaftMessageError(`${key} must be a non-empty string`);
}

function bool(m: Fields, key: string): void {
  if (typeof m[key] !== 'boolean') throw new RaftMessageError(`${key} must be a boolean`);
}

function bytes(m: Fields, key: string): void {
  if (!(m[key] instanceof Uint8Array)) throw new RaftMessageError(`${key} must be bytes`);
}

function meta(value: unknown): asserts value is SnapshotMeta {
  if (typeof value !== 'object' || value === null) throw new RaftMessageError('meta must be an object');
  const m = value as Fields;
  nat(m, 'index');
  nat(m, 'term');
  const members = m['members'];
  if (!Array.isArray(members) || !members.every((x) => typeof x === 'string' && x.length > 0)) {
    throw new RaftMessageError('meta.members must be a list of member ids');
  }
}

/** Raft §5.3: entries follow prevLogIndex without gaps, terms never decrease and never pass the sender's term. */
function entries(m: Fields): void {
  const list = m['entries'];
  if (!Array.isArray(list)) throw new RaftMessageError('entries must be a list');
  let index = m['prevLogIndex'] as number;
  let term = m['prevLogTerm'] as number;
  for (const e of list as unknown[]) {
    entry(e);
    if (e.index !== index + 1) throw new RaftMessageError(`entry index ${e.index} should be ${index + 1}`);
    if (e.term < term || e.term > (m['term'] as number)) throw new RaftMessageError(`entry ${e.index} has term ${e.term} out of order`);
    index = e.index;
    term = e.term;
  }
}

function entry(value: unknown): asserts value is Entry {
  if (typeof value !== 'object' || value === null) throw new RaftMessageError('entry must be an object');
  const e = value as Fields;
  nat(e, 'index');
  nat(e, 'term');
  bytes(e, 'data');
}
