export * from './history.js';
export type { Model } from './model.js';
export { DEFAULT_MAX_STEPS, type BudgetOptions, type ExhaustedReason } from './budget.js';
export * from './check.js';
export * from './kv-types.js';
export { kvModel, hashKvState, describeKvState, describeKvOperation } from './kv-model.js';
export * from './kv-revision-order.js';
