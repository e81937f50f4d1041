// etcd Compare evaluation (server/etcdserver/apply: applyCompare) against a KvState whose revisions
// may be unknown. A compare on the value of a missing key always fails; the other targets of a
// missing key compare as zero. An unknown revision is only bounded below, so a compare may be
// undecided ('unknown'); then both branches are possible and the observed outcome decides.

import type { KvCompare, KvCompareResult, KvState } from './kv-types.js';
import { observeRecord } from './kv-state.js';

export type Truth = 'true' | 'false' | 'unknown';

export function evaluateCompares(state: KvState, compares: readonly KvCompare[]): Truth {
  let truth: Truth = 'true';
  for (const compare of compares) {
    const one = evaluateCompare(state, compare);
    if (one === 'false') return 'false';
    if (one === 'unknown') truth = 'unknown';
  }
  return truth;
}

function evaluateCompare(state: KvState, compare: KvCompare): Truth {
  if (compare.target === 'value') {
    // etcd compares bytes; UTF-16 order equals UTF-8 byte order outside the astral planes.
    return state.value === null ? 'false' : toTruth(holds(compare.result, state.value, compare.value));
  }
  if (state.value === null) return toTruth(holds(compare.result, 0, compare.value));
  if (compare.target === 'version') return toTruth(holds(compare.result, state.version, compare.value));
  // A present key's unknown revisions are at least floor + 1 (modRevision) or 1 (createRevision).
  const known = compare.target === 'modRevision' ? state.modRevision : state.createRevision;
  if (known !== null) return toTruth(holds(compare.result, known, compare.value));
  const atLeast = compare.target === 'modRevision' ? state.revisionFloor + 1 : 1;
  return compareWithLowerBound(atLeast, compare.result, compare.value);
}

function compareWithLowerBound(atLeast: number, result: KvCompareResult, target: number): Truth {
  switch (result) {
    case '=':
      return target < atLeast ? 'false' : 'unknown';
    case '!=':
      return target < atLeast ? 'true' : 'unknown';
    case '>':
      return target < atLeast ? 'true' : 'unknown';
    case '<':
      return target <= atLeast ? 'false' : 'unknown';
  }
}

function holds<T extends string | number>(result: KvCompareResult, actual: T, target: T): boolean {
  switch (result) {
    case '=':
      return actual === target;
    case '!=':
      return actual !== target;
    case '<':
      return actual < target;
    case '>':
      return actual > target;
  }
}

function toTruth(value: boolean): Truth {
  return value ? 'true' : 'false';
}

/**
 * What an undecided txn's outcome teaches about unknown revisions: all compares held after success, so
 * an '=' pins its revision; a single '!=' that failed pins it too. Returns null if impossible.
 */
export function learnFromOutcome(state: KvState, compares: readonly KvCompare[], succeeded: boolean): KvState | null {
  let learned: KvState | null = state;
  for (const compare of compares) {
    if (compare.target === 'value' || compare.target === 'version') continue;
    const pinned = succeeded ? compare.result === '=' : compares.length === 1 && compare.result === '!=';
    if (pinned && learned !== null) learned = pinRevision(learned, compare.target, compare.value);
  }
  return learned;
}

function pinRevision(state: KvState, target: 'createRevision' | 'modRevision', revision: number): KvState | null {
  if (state.value === null) return state;
  const kv = target === 'modRevision' ? { value: state.value, modRevision: revision } : { value: state.value, createRevision: revision };
  return observeRecord(state, kv);
}
