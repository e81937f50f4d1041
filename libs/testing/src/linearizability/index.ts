// Linearizability checking for histories recorded by tests and the deterministic simulation.
//
//   const result = checkLinearizability(kvModel, history, { maxSteps: 1_000_000 });
//   if (result.type === 'illegal') throw new Error(result.failure.explanation);
//   if (result.type === 'unknown') log(result.explanation); // budget spent: neither verdict holds
//   const revisionViolations = checkKvRevisionOrder(history); // cross-key, linear time
//
// Algorithm: Wing & Gong's search with Lowe's memo of (linearized set, state) pairs, as in Porcupine,
// run per key (P-compositionality). Pure: no clock, no I/O; the caller passes any deadline clock.

export * from './history.js';
export type { Model } from './model.js';
export { DEFAULT_MAX_STEPS, type BudgetOptions, type ExhaustedReason } from './budget.js';
export * from './check.js';
export * from './kv-types.js';
export { kvModel, hashKvState, describeKvState, describeKvOperation } from './kv-model.js';
export * from './kv-revision-order.js';
