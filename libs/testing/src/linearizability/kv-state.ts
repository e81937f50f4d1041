// Transitions of one key's KvState under etcd semantics. Each returns the next state, or null when
// the observed output is impossible in `state`. Unobserved revisions stay unknown; an observation of
// an unknown revision fixes it (it was one definite number all along), which is sound because every
// revision check only compares against known lower bounds.

import type { KvRecord, KvState } from './kv-types.js';

/** Checks a returned key-value against the state, learning any revision it reveals. */
export function observeRecord(state: KvState, kv: KvRecord | null): KvState | null {
  if (kv === null) return state.value === null ? state : null;
  if (state.value === null || state.value !== kv.value) return null;
  if (kv.version !== undefined && kv.version !== state.version) return null;
  let { createRevision, modRevision, revisionFloor } = state;
  if (kv.modRevision !== undefined) {
    if (modRevision === null && kv.modRevision <= revisionFloor) return null;
    if (modRevision !== null && modRevision !== kv.modRevision) return null;
    modRevision = kv.modRevision;
    revisionFloor = Math.max(revisionFloor, modRevision);
  }
  if (kv.createRevision !== undefined) {
    if (createRevision !== null && createRevision !== kv.createRevision) return null;
    createRevision = kv.createRevision;
  }
  // A key at version 1 was last written by the put that created it.
  if (state.version === 1) {
    if (createRevision !== null && modRevision !== null && createRevision !== modRevision) return null;
    createRevision ??= modRevision;
    if (modRevision === null && createRevision !== null) {
      if (createRevision <= state.revisionFloor) return null;
      modRevision = createRevision;
      revisionFloor = Math.max(revisionFloor, modRevision);
    }
  }
  if (createRevision !== null && modRevision !== null && createRevision > modRevision) return null;
  return { ...state, createRevision, modRevision, revisionFloor };
}

export interface WriteObservation {
  readonly revision?: number;
  readonly prevKv?: KvRecord | null;
}

export function applyPut(state: KvState, value: string, seen: WriteObservation = {}): KvState | null {
  const before = seen.prevKv === undefined ? state : observeRecord(state, seen.prevKv);
  if (before === null) return null;
  const revision = seen.revision ?? null;
  if (revision !== null && revision <= before.revisionFloor) return null;
  return {
    value,
    version: before.version + 1,
    createRevision: before.value === null ? revision : before.createRevision,
    modRevision: revision,
    revisionFloor: revision ?? before.revisionFloor,
  };
}

export function applyDelete(state: KvState, seen: WriteObservation & { readonly deleted?: number } = {}): KvState | null {
  const before = seen.prevKv === undefined ? state : observeRecord(state, seen.prevKv);
  if (before === null) return null;
  const existed = before.value !== null;
  if (seen.deleted !== undefined && seen.deleted !== (existed ? 1 : 0)) return null;
  // Deleting a missing key writes nothing: its header revision says nothing about this key.
  if (!existed) return before;
  const revision = seen.revision ?? null;
  if (revision !== null && revision <= before.revisionFloor) return null;
  return { value: null, version: 0, createRevision: 0, modRevision: 0, revisionFloor: revision ?? before.revisionFloor };
}
