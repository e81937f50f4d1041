// ControllerExpectations with UID-tracked deletions (pkg/controller/controller_utils.go) as an
// immutable value. A controller that just asked for N creates must not look at its (stale) lister
// and ask again before the informer has shown it those N pods; so before running a sync's
// actions the service raises the expectations, informer events lower them (`observeCreation`,
// `observeDeletion`), and a sync only manages replicas once they are satisfied. Expectations
// older than EXPECTATIONS_TTL_MS count as satisfied, so a lost watch event cannot wedge a
// controller forever.
//
//   no record ──raise──▶ pending(add, del) ──observe×n──▶ satisfied (add<=0, del<=0)
//                                │ 5 min without being satisfied
//                                ▼
//                             expired (treated as satisfied)
import { flattenActions, type Action } from './actions.js';

/** controller.ExpectationsTimeout. */
export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

export interface ControlleeExpectations {
  readonly add: number;
  readonly del: number;
  /** Pod keys whose deletion is still expected: a pod's deletion counts once, however many events arrive. */
  readonly deleteKeys: readonly string[];
  readonly timestampMs: number;
}

export type Expectations = ReadonlyMap<string, ControlleeExpectations>;

export const noExpectations: Expectations = new Map();

function withEntry(exp: Expectations, key: string, entry: ControlleeExpectations | undefined): Expectations {
  const next = new Map(exp);
  if (entry === undefined) next.delete(key);
  else next.set(key, entry);
  return next;
}

export function expectationsSatisfied(exp: Expectations, key: string, nowMs: number): boolean {
  const e = exp.get(key);
  if (e === undefined) return true;
  if (e.add <= 0 && e.del <= 0) return true;
  return nowMs - e.timestampMs > EXPECTATIONS_TTL_MS;
}

/** SetExpectations: replaces what was expected for key. */
export function setExpectations(exp: Expectations, key: string, add: number, deleteKeys: readonly string[], nowMs: number): Expectations {
  return withEntry(exp, key, { add, del: deleteKeys.length, deleteKeys: [...deleteKeys], timestampMs: nowMs });
}

export function observeCreation(exp: Expectations, key: string): Expectations {
  const e = exp.get(key);
  if (e === undefined) return exp;
  return withEntry(exp, key, { ...e, add: e.add - 1 });
}

/** DeletionObserved: lowers `del` once per expected pod key; other deletions change nothing. */
export function observeDeletion(exp: Expectations, key: string, podKey: string): Expectations {
  const e = exp.get(key);
  if (e === undefined || !e.deleteKeys.includes(podKey)) return exp;
  return withEntry(exp, key, { ...e, del: e.del - 1, deleteKeys: e.deleteKeys.filter((k) => k !== podKey) });
}

export function deleteExpectations(exp: Expectations, key: string): Expectations {
  return exp.has(key) ? withEntry(exp, key, undefined) : exp;
}

/** What a list of actions expects, by controller key: creations counted, deletions by pod key. */
export function expectationsOf(actions: readonly Action[]): Map<string, { add: number; deleteKeys: string[] }> {
  const out = new Map<string, { add: number; deleteKeys: string[] }>();
  for (const action of flattenActions(actions)) {
    if ((action.type !== 'create' && action.type !== 'delete') || action.expectation === undefined) continue;
    const tag = action.expectation;
    const entry = out.get(tag.key) ?? { add: 0, deleteKeys: [] };
    if (tag.kind === 'add') entry.add++;
    else if (tag.podKey !== undefined) entry.deleteKeys.push(tag.podKey);
    out.set(tag.key, entry);
  }
  return out;
}

/** Run by the service before it executes a sync's actions (ExpectCreations / ExpectDeletions). */
export function raiseExpectations(exp: Expectations, actions: readonly Action[], nowMs: number): Expectations {
  let next = exp;
  for (const [key, { add, deleteKeys }] of expectationsOf(actions)) next = setExpectations(next, key, add, deleteKeys, nowMs);
  return next;
}

/** Run by the service for each tagged action that failed or was skipped: no event will observe it. */
export function lowerExpectation(exp: Expectations, action: Action): Expectations {
  if ((action.type !== 'create' && action.type !== 'delete') || action.expectation === undefined) return exp;
  const tag = action.expectation;
  if (tag.kind === 'add') return observeCreation(exp, tag.key);
  return tag.podKey === undefined ? exp : observeDeletion(exp, tag.key, tag.podKey);
}
