// The KV model of the Skiff store for checkLinearizability: etcd semantics, one key per operation,
// partitioned by key. Revisions are checked when outputs carry them (a write's revision exceeds every
// earlier write's on its key; a read returns the modRevision of the write it sees); cross-key
// revision order is checkKvRevisionOrder's job.

import { HistoryError } from './history.js';
import type { Model } from './model.js';
import { evaluateCompares, learnFromOutcome } from './kv-compare.js';
import { applyDelete, applyPut, observeRecord } from './kv-state.js';
import {
  ABSENT_KEY,
  type KvInput,
  type KvOutput,
  type KvRecord,
  type KvState,
  type KvTxnOp,
  type KvTxnOutput,
} from './kv-types.js';

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  init: () => ABSENT_KEY,
  step: (state, input, output) => {
    if (output !== undefined && output.type !== input.type) {
      throw new HistoryError(`a ${input.type} on ${JSON.stringify(input.key)} answered with a ${output.type} output`);
    }
    if (input.type === 'txn') return stepTxn(state, input, output as KvTxnOutput | undefined);
    return present(applyBranch(state, input, output));
  },
  hash: hashKvState,
  partitionKey: (input) => input.key,
  isReadOnly: (input) =>
    input.type === 'get' || (input.type === 'txn' && isReadOnlyBranch(input.success) && isReadOnlyBranch(input.failure)),
  describeOperation: describeKvOperation,
  describeState: describeKvState,
};

function stepTxn(state: KvState, input: Extract<KvInput, { type: 'txn' }>, output: KvTxnOutput | undefined): KvState[] {
  const truth = evaluateCompares(state, input.compares);
  const outcomes = output !== undefined ? [output.succeeded] : truth === 'unknown' ? [true, false] : [truth === 'true'];
  const next: KvState[] = [];
  for (const succeeded of outcomes) {
    if (truth !== 'unknown' && succeeded !== (truth === 'true')) continue;
    const learned = truth === 'unknown' ? learnFromOutcome(state, input.compares, succeeded) : state;
    if (learned === null) continue;
    const branch = succeeded ? input.success : input.failure;
    const after = applyBranch(learned, branch, output?.response);
    if (after !== null) next.push(after);
  }
  return next;
}

/** A single get, put or delete (or a txn branch), checked against its output when there is one. */
function applyBranch(state: KvState, op: KvTxnOp, output: KvOutput | undefined): KvState | null {
  if (output !== undefined && op.type !== 'none' && output.type !== op.type) {
    throw new HistoryError(`a txn ${op.type} branch answered with a ${output.type} response`);
  }
  switch (op.type) {
    case 'none':
      return state;
    case 'get':
      return output?.type === 'get' ? observeRecord(state, output.kv) : state;
    case 'put':
      return applyPut(state, op.value, output?.type === 'put' ? observation(output) : {});
    case 'delete':
      return applyDelete(state, output?.type === 'delete' ? observation(output) : {});
  }
}

/** Copies the observed fields only (exactOptionalPropertyTypes: absent is not undefined). */
function observation(output: { revision?: number; prevKv?: KvRecord | null; deleted?: number }): {
  revision?: number;
  prevKv?: KvRecord | null;
  deleted?: number;
} {
  return {
    ...(output.revision !== undefined ? { revision: output.revision } : {}),
    ...(output.prevKv !== undefined ? { prevKv: output.prevKv } : {}),
    ...(output.deleted !== undefined ? { deleted: output.deleted } : {}),
  };
}

function present(state: KvState | null): KvState[] {
  return state === null ? [] : [state];
}

function isReadOnlyBranch(op: KvTxnOp): boolean {
  return op.type === 'get' || op.type === 'none';
}

/** Injective: the value goes last, after a marker, so no value can imitate the numeric fields. */
export function hashKvState(state: KvState): string {
  const revisions = `${state.version},${state.createRevision ?? '?'},${state.modRevision ?? '?'},${state.revisionFloor}`;
  return state.value === null ? `${revisions}-` : `${revisions}+${state.value}`;
}

export function describeKvState(state: KvState): string {
  if (state.value === null) return `absent (last write at or after revision ${state.revisionFloor})`;
  const mod = state.modRevision ?? `unknown > ${state.revisionFloor}`;
  return `${JSON.stringify(state.value)} (version ${state.version}, modRevision ${mod}, createRevision ${state.createRevision ?? 'unknown'})`;
}

export function describeKvOperation(input: KvInput, output: KvOutput | undefined): string {
  return `${describeKvInput(input)} -> ${output === undefined ? '? (pending)' : describeKvOutput(output)}`;
}

function describeKvInput(input: KvInput): string {
  const key = JSON.stringify(input.key);
  switch (input.type) {
    case 'get':
      return `get ${key}`;
    case 'put':
      return `put ${key}=${JSON.stringify(input.value)}`;
    case 'delete':
      return `delete ${key}`;
    case 'txn': {
      const compares = input.compares.map((c) => `${c.target} ${c.result} ${JSON.stringify(c.value)}`).join(' && ');
      return `txn ${key} if ${compares || 'true'} then ${describeTxnOp(input.success)} else ${describeTxnOp(input.failure)}`;
    }
  }
}

function describeTxnOp(op: KvTxnOp): string {
  return op.type === 'put' ? `put ${JSON.stringify(op.value)}` : op.type;
}

function describeKvOutput(output: KvOutput): string {
  switch (output.type) {
    case 'get':
      return describeRecord(output.kv);
    case 'put':
    case 'delete': {
      const parts = [
        output.type === 'delete' && output.deleted !== undefined ? `deleted ${output.deleted}` : 'ok',
        output.revision !== undefined ? `revision ${output.revision}` : '',
        output.prevKv !== undefined ? `prev ${describeRecord(output.prevKv)}` : '',
      ];
      return parts.filter((p) => p !== '').join(', ');
    }
    case 'txn':
      return `${output.succeeded ? 'succeeded' : 'failed'}${output.response !== undefined ? `: ${describeKvOutput(output.response)}` : ''}`;
  }
}

function describeRecord(kv: KvRecord | null): string {
  if (kv === null) return 'absent';
  const revisions = [
    kv.modRevision !== undefined ? `mod ${kv.modRevision}` : '',
    kv.createRevision !== undefined ? `create ${kv.createRevision}` : '',
    kv.version !== undefined ? `version ${kv.version}` : '',
  ].filter((p) => p !== '');
  return `${JSON.stringify(kv.value)}${revisions.length > 0 ? ` (${revisions.join(', ')})` : ''}`;
}
