// checkLinearizability: split the history by key (P-compositionality), check each partition with
// WGL under one shared budget, and report the first partition that has no linearization.
// Partitions run smallest first so that a budget spent on one huge key does not hide a violation on
// a small one, and the order (size, then key) makes the report the same on every run.

import { isPending, validateOperation, type Defined, type Operation } from './history.js';
import type { Model } from './model.js';
import { Budget, type BudgetOptions, type ExhaustedReason } from './budget.js';
import { searchPartition } from './wgl.js';
import { explainIllegal } from './explain.js';

export type CheckOptions = BudgetOptions;

export interface CheckStats {
  readonly operations: number;
  readonly partitions: number;
  /** Partitions whose search finished (linearizable or illegal). */
  readonly partitionsChecked: number;
  /** Pending read-only operations dropped before the search. */
  readonly pendingReadsDropped: number;
  readonly steps: number;
  readonly cacheEntries: number;
}

export interface LinearizabilityFailure<S, I, O extends Defined> {
  readonly partitionKey: string;
  /** The partition's operations as searched (pending read-only operations dropped). */
  readonly operations: readonly Operation<I, O>[];
  /** The longest prefix the search could linearize, in linearization order. */
  readonly longestPrefix: readonly Operation<I, O>[];
  readonly stateAfterPrefix: S;
  /** The operation that cannot be linearized after that prefix: the search reached its return. */
  readonly operation: Operation<I, O>;
  /** The operations that were tried as the next one after the prefix. */
  readonly candidates: readonly Operation<I, O>[];
  readonly explanation: string;
}

export type CheckResult<S, I, O extends Defined> =
  | {
      readonly type: 'linearizable';
      readonly ok: true;
      /** A witness per partition key: the operations in an order that is a legal sequential run. */
      readonly linearizations: ReadonlyMap<string, readonly Operation<I, O>[]>;
      readonly stats: CheckStats;
    }
  | { readonly type: 'illegal'; readonly ok: false; readonly failure: LinearizabilityFailure<S, I, O>; readonly stats: CheckStats }
  | {
      readonly type: 'unknown';
      readonly ok: false;
      readonly reason: ExhaustedReason;
      /** The partition being searched when the budget ran out. */
      readonly partitionKey: string;
      readonly explanation: string;
      readonly stats: CheckStats;
    };

const SINGLE_PARTITION = '';

export function checkLinearizability<S, I, O extends Defined>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  options: CheckOptions = {},
): CheckResult<S, I, O> {
  history.forEach(validateOperation);
  const budget = new Budget(options);
  const searched = history.filter((op) => !(isPending(op) && model.isReadOnly?.(op.input) === true));
  const partitions = partition(model, searched);
  const linearizations = new Map<string, readonly Operation<I, O>[]>();
  let partitionsChecked = 0;
  let cacheEntries = 0;
  const stats = (): CheckStats => ({
    operations: history.length,
    partitions: partitions.length,
    partitionsChecked,
    pendingReadsDropped: history.length - searched.length,
    steps: budget.steps,
    cacheEntries,
  });

  for (const [key, operations] of partitions) {
    const outcome = searchPartition(model, operations, budget);
    cacheEntries += outcome.cacheEntries;
    if (outcome.type === 'unknown') {
      const reason = budget.exhaustedReason ?? 'steps';
      const explanation = `gave up on partition ${JSON.stringify(key)} (${operations.length} operations) after ${budget.steps} steps: the ${reason === 'steps' ? 'step budget' : 'deadline'} ran out; ${partitionsChecked} of ${partitions.length} partitions were checked and linearizable`;
      return { type: 'unknown', ok: false, reason, partitionKey: key, explanation, stats: stats() };
    }
    partitionsChecked++;
    if (outcome.type === 'illegal') {
      const report = {
        partitionKey: key,
        operationCount: operations.length,
        prefix: outcome.prefix.map((i) => operations[i]!),
        stateAfterPrefix: outcome.stateAfterPrefix,
        operation: operations[outcome.blocking]!,
        candidates: outcome.candidates.map((i) => operations[i]!),
      };
      const failure: LinearizabilityFailure<S, I, O> = {
        partitionKey: key,
        operations,
        longestPrefix: report.prefix,
        stateAfterPrefix: report.stateAfterPrefix,
        operation: report.operation,
        candidates: report.candidates,
        explanation: explainIllegal(model, report),
      };
      return { type: 'illegal', ok: false, failure, stats: stats() };
    }
    linearizations.set(key, outcome.order.map((i) => operations[i]!));
  }
  return { type: 'linearizable', ok: true, linearizations, stats: stats() };
}

function partition<S, I, O extends Defined>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
): [string, Operation<I, O>[]][] {
  const byKey = new Map<string, Operation<I, O>[]>();
  for (const op of history) {
    const key = model.partitionKey?.(op.input) ?? SINGLE_PARTITION;
    const ops = byKey.get(key);
    if (ops === undefined) byKey.set(key, [op]);
    else ops.push(op);
  }
  return [...byKey].sort(([keyA, opsA], [keyB, opsB]) => opsA.length - opsB.length || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0));
}
