// The sequential specification a history is checked against (Herlihy & Wing 1990: a history is
// linearizable if some total order of its operations, consistent with real time, is a legal run of
// the sequential object).

import type { Defined } from './history.js';

export interface Model<S, I, O extends Defined> {
  /** The object's state before any operation. */
  init(): S;
  /**
   * Every state the object can be in after `input` takes effect in `state` and answers `output`;
   * empty when the object could not have answered `output` there (the step is illegal).
   * `output` is `undefined` for a pending operation: any answer is acceptable, so return every state
   * the operation could lead to. More than one state expresses nondeterminism (for example a
   * compare against a revision the history never revealed).
   */
  step(state: S, input: I, output: O | undefined): readonly S[];
  /** Equal states must hash equal and different states differently (the memo key of Lowe's WGL cache). */
  hash(state: S): string;
  /**
   * P-compositionality (Horn & Kroening 2015): operations with different keys act on independent
   * objects, so each key's sub-history is checked alone. Without it the history is one partition.
   */
  partitionKey?(input: I): string;
  /**
   * True when the operation never changes the state. A pending read-only operation is dropped before
   * the search: it can always be linearized and constrains nothing, and keeping it costs time.
   */
  isReadOnly?(input: I): boolean;
  describeOperation?(input: I, output: O | undefined): string;
  describeState?(state: S): string;
}
