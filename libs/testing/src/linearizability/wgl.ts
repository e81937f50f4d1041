// The Wing & Gong search with Lowe's memo, as in Porcupine, for one partition.
//
// Walk the entry list from the head. At a call entry, try to linearize that operation next: step the
// model; for the first resulting state whose (linearized set, state) pair is new, push a frame, lift
// the operation out of the list and restart from the head. At a return entry, the operation it
// belongs to should already have taken effect, so the current prefix is a dead end: pop the latest
// frame, put its operation back, and try its next alternative state or the next entry. The history
// is linearizable when the list empties, and is not when a return entry is reached with nothing to pop.
// Invariant: `stack` lists the linearized operations in order, and `state` is the model after them.
//
// Candidates are tried in call order, so a pending operation is first tried right at its call. Trying
// pending operations last instead cost up to 200x more steps on hot-key histories: a request that
// took effect usually did so soon after it was sent, and a state counter (version) shows it.

import { isPending, type Defined, type Operation } from './history.js';
import type { Model } from './model.js';
import { LinearizedSet, VisitedCache } from './bitset.js';
import { EntryList, HEAD, NIL } from './entry-list.js';
import type { Budget } from './budget.js';

export type PartitionOutcome<S> =
  | { readonly type: 'linearizable'; readonly order: readonly number[]; readonly cacheEntries: number }
  | {
      readonly type: 'illegal';
      /** The deepest linearized prefix the search reached (operation indexes, in order). */
      readonly prefix: readonly number[];
      readonly stateAfterPrefix: S;
      /** The operation whose return was reached while it could not be linearized after `prefix`. */
      readonly blocking: number;
      /** Operations that could have come next after `prefix` (all were tried). */
      readonly candidates: readonly number[];
      readonly cacheEntries: number;
    }
  | { readonly type: 'unknown'; readonly cacheEntries: number };

interface Frame<S> {
  readonly call: number;
  readonly previous: S;
  readonly alternatives: readonly S[];
  readonly index: number;
}

interface DeepestDeadEnd<S> {
  readonly prefix: number[];
  readonly state: S;
  readonly blocking: number;
  readonly candidates: number[];
}

export function searchPartition<S, I, O extends Defined>(
  model: Model<S, I, O>,
  operations: readonly Operation<I, O>[],
  budget: Budget,
): PartitionOutcome<S> {
  const list = new EntryList(operations);
  const linearized = new LinearizedSet(operations.length);
  const cache = new VisitedCache();
  const stack: Frame<S>[] = [];
  let state = model.init();
  let deepest: DeepestDeadEnd<S> | undefined;

  const linearize = (call: number, alternatives: readonly S[], from: number): boolean => {
    const op = list.op[call]!;
    linearized.set(op);
    for (let i = from; i < alternatives.length; i++) {
      const next = alternatives[i]!;
      if (!cache.add(linearized, model.hash(next))) continue;
      stack.push({ call, previous: state, alternatives, index: i });
      state = next;
      list.lift(call);
      return true;
    }
    linearized.clear(op);
    return false;
  };

  let entry = list.next[HEAD]!;
  while (list.next[HEAD] !== NIL) {
    if (!budget.spend()) return { type: 'unknown', cacheEntries: cache.size };
    if (list.isCall[entry] === 1) {
      const operation = operations[list.op[entry]!]!;
      const output = isPending(operation) ? undefined : operation.output;
      entry = linearize(entry, model.step(state, operation.input, output), 0) ? list.next[HEAD]! : list.next[entry]!;
      continue;
    }
    if (deepest === undefined || stack.length > deepest.prefix.length) {
      deepest = { prefix: stack.map((f) => list.op[f.call]!), state, blocking: list.op[entry]!, candidates: callsBefore(list, entry) };
    }
    const frame = stack.pop();
    if (frame === undefined) return illegal(deepest, cache.size);
    state = frame.previous;
    linearized.clear(list.op[frame.call]!);
    list.unlift(frame.call);
    entry = linearize(frame.call, frame.alternatives, frame.index + 1) ? list.next[HEAD]! : list.next[frame.call]!;
  }
  return { type: 'linearizable', order: stack.map((f) => list.op[f.call]!), cacheEntries: cache.size };
}

function callsBefore(list: EntryList, returnNode: number): number[] {
  const calls: number[] = [];
  for (let node = list.next[HEAD]!; node !== returnNode && node !== NIL; node = list.next[node]!) {
    if (list.isCall[node] === 1) calls.push(list.op[node]!);
  }
  return calls;
}

function illegal<S>(deepest: DeepestDeadEnd<S>, cacheEntries: number): PartitionOutcome<S> {
  return {
    type: 'illegal',
    prefix: deepest.prefix,
    stateAfterPrefix: deepest.state,
    blocking: deepest.blocking,
    candidates: deepest.candidates,
    cacheEntries,
  };
}
