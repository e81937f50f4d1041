// Checks on a client's command before it is proposed (pure). The log must never carry what the
// transport cannot deliver or what mvcc would refuse for its size: a put value over maxValueBytes,
// a txn whose puts total more, or an entry larger than one message can carry, is answered with
// ValueTooLarge ("etcdserver: request is too large") and never proposed. The full shape check is
// mvcc's (apply() answers InvalidRequest deterministically on every member).

import { MvccErrorCode, type Command, type ErrorResponse } from '@skiff/mvcc';

/** Commands a client may send through the log ('range' is served by ReadIndex instead). */
export const CLIENT_COMMAND_TYPES: ReadonlySet<string> = new Set([
  'range',
  'put',
  'deleteRange',
  'txn',
  'leaseGrant',
  'leaseRevoke',
  'leaseKeepAlive',
  'compact',
]);

const TXN_DEPTH_MAX = 16;

export interface CommandLimits {
  readonly maxValueBytes: number;
  readonly maxEntryBytes: number;
}

export type CommandProblem = { readonly code: MvccErrorCode; readonly message: string };

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);
const byteLength = (x: unknown): number => (x instanceof Uint8Array ? x.byteLength : 0);

/** The command, typed, or the problem that keeps it out of the log. */
export function checkClientCommand(value: unknown, limits: CommandLimits): Command | CommandProblem {
  if (!isObj(value)) return problem(MvccErrorCode.InvalidRequest, 'command must be a map');
  const type = value['type'];
  if (typeof type !== 'string' || !CLIENT_COMMAND_TYPES.has(type)) {
    return problem(MvccErrorCode.InvalidRequest, `unknown command type ${JSON.stringify(type)}`);
  }
  if (type === 'put' && byteLength(value['value']) > limits.maxValueBytes) {
    return problem(MvccErrorCode.ValueTooLarge, `value of ${byteLength(value['value'])} bytes is over the limit of ${limits.maxValueBytes}`);
  }
  if (type === 'txn') {
    const total = txnPutBytes(value, 0);
    if (total > limits.maxValueBytes) return problem(MvccErrorCode.ValueTooLarge, `txn puts ${total} bytes, over the limit of ${limits.maxValueBytes}`);
  }
  return value as unknown as Command;
}

/** The problem with an encoded command too large for one entry, if it is. */
export function checkEntrySize(bytes: Uint8Array, limits: CommandLimits): CommandProblem | undefined {
  if (bytes.byteLength <= limits.maxEntryBytes) return undefined;
  return problem(MvccErrorCode.ValueTooLarge, `request of ${bytes.byteLength} bytes is over the limit of ${limits.maxEntryBytes}`);
}

export function isProblem(x: Command | CommandProblem): x is CommandProblem {
  return !('type' in x);
}

export function toErrorResponse(p: CommandProblem, revision: number): ErrorResponse {
  return { type: 'error', code: p.code, message: p.message, revision };
}

/** Keys plus values put by a txn, both branches, nested txns included (mvcc counts the same way). */
function txnPutBytes(txn: Obj, depth: number): number {
  if (depth > TXN_DEPTH_MAX) return 0;
  let total = 0;
  for (const branch of [txn['success'], txn['failure']]) {
    if (!Array.isArray(branch)) continue;
    for (const op of branch as unknown[]) {
      if (!isObj(op)) continue;
      if (op['type'] === 'put') total += byteLength(op['key']) + byteLength(op['value']);
      else if (op['type'] === 'txn') total += txnPutBytes(op, depth + 1);
    }
  }
  return total;
}

function problem(code: MvccErrorCode, message: string): CommandProblem {
  return { code, message };
}
