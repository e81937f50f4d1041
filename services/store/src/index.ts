// @skiff/store: the store member service (etcd's role): Raft + MVCC + WAL over the bus.

export { createStoreMember, type StoreMember, type StoreMemberDeps, type StoreMemberStats, type StoreMemberStatus } from './member.js';
export { resolveOptions, DEFAULT_SNAPSHOT_EVERY_ENTRIES, DEFAULT_MAX_PAYLOAD_BYTES, type StoreMemberOptions, type ResolvedOptions } from './options.js';
export { batchByDestination, decodeRaftEnvelope, type RaftEnvelope } from './raft-transport.js';
