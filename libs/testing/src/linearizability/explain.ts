// Human-readable failure reports: what a reader needs to find the bug without re-running the search.

import { isPending, type Defined, type Operation } from './history.js';
import type { Model } from './model.js';

const PREFIX_LINES_MAX = 12;
const CANDIDATE_LINES_MAX = 12;

export function describeOperation<S, I, O extends Defined>(model: Model<S, I, O>, op: Operation<I, O>): string {
  const output = isPending(op) ? undefined : op.output;
  const body = model.describeOperation?.(op.input, output) ?? `${stringify(op.input)} -> ${output === undefined ? '?' : stringify(output)}`;
  const returned = isPending(op) ? 'pending' : String(op.returnTime);
  return `client ${String(op.clientId)} [${op.callTime}, ${returned}] ${body}`;
}

export function describeState<S, I, O extends Defined>(model: Model<S, I, O>, state: S): string {
  return model.describeState?.(state) ?? stringify(state);
}

export interface IllegalReport<S, I, O extends Defined> {
  readonly partitionKey: string;
  readonly operationCount: number;
  readonly prefix: readonly Operation<I, O>[];
  readonly stateAfterPrefix: S;
  readonly operation: Operation<I, O>;
  readonly candidates: readonly Operation<I, O>[];
}

export function explainIllegal<S, I, O extends Defined>(model: Model<S, I, O>, report: IllegalReport<S, I, O>): string {
  const { prefix, candidates } = report;
  const lines = [
    `partition ${JSON.stringify(report.partitionKey)}: its ${report.operationCount} operations have no linearization.`,
    `Longest linearizable prefix: ${prefix.length} operation(s)${prefix.length > PREFIX_LINES_MAX ? `, the last ${PREFIX_LINES_MAX}` : ''}:`,
    ...prefix.slice(-PREFIX_LINES_MAX).map((op) => `  ${describeOperation(model, op)}`),
    `State after it: ${describeState(model, report.stateAfterPrefix)}`,
    `Cannot be linearized: ${describeOperation(model, report.operation)}`,
    `  the search reached its return with no way to extend the prefix; operations tried next (each failed here or led to a dead end):`,
    ...candidates.slice(0, CANDIDATE_LINES_MAX).map((op) => `  ${describeOperation(model, op)}`),
  ];
  if (candidates.length > CANDIDATE_LINES_MAX) lines.push(`  ... and ${candidates.length - CANDIDATE_LINES_MAX} more`);
  return lines.join('\n');
}

function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
}
