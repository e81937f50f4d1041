// The replicated state of one store member, shared by the read, write and txn modules.

import { EventHistory } from './history.js';
import { KeyIndex } from './key-index.js';
import { Lessor } from './lessor.js';
import { SessionTable, type SessionLimits } from './sessions.js';
import type { ValidationLimits } from './validate.js';

export interface MvccLimits extends ValidationLimits, SessionLimits {
  readonly minLeaseTtlSeconds: number;
}

export interface Core {
  readonly limits: MvccLimits;
  readonly index: KeyIndex;
  readonly history: EventHistory;
  readonly lessor: Lessor;
  readonly sessions: SessionTable;
  /** The store revision: bumped once per write that changed the keyspace. A new store is at 1 (etcd). */
  revision: number;
  /** Replicated: reads below it fail with Compacted on every member. */
  compactRevision: number;
  /**
   * Local: this member holds versions and events only above it (>= compactRevision). Equal to
   * compactRevision unless the member was restored from a snapshot without history, in which
   * case it is the snapshot's revision.
   */
  historyFloor: number;
}

export function newCore(limits: MvccLimits): Core {
  return {
    limits,
    index: new KeyIndex(),
    history: new EventHistory(),
    lessor: new Lessor(limits.minLeaseTtlSeconds),
    sessions: new SessionTable(limits),
    revision: 1,
    compactRevision: 0,
    historyFloor: 0,
  };
}
