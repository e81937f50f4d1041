// Shape checks for commands. Commands arrive decoded from msgpack, so apply() trusts nothing:
// a malformed command in the Raft log must produce the same error response on every member,
// never an exception. Absent and null optional fields mean the same (msgpack writes undefined
// as nil). Limits follow etcd: a put's value and a txn's total put bytes are capped
// (--max-request-bytes, 1.5 MiB), each txn level has at most maxTxnOps compares/ops per branch.

import { fault, MvccErrorCode, type MvccFault } from './errors.js';

export interface ValidationLimits {
  readonly maxValueBytes: number;
  readonly maxTxnOps: number;
  readonly maxTxnDepth: number;
}

type Obj = Record<string, unknown>;

const COMMAND_TYPES = new Set(['range', 'put', 'deleteRange', 'txn', 'leaseGrant', 'leaseRevoke', 'leaseKeepAlive', 'leasePromote', 'compact']);
const COMPARE_TARGETS = new Set(['value', 'version', 'createRevision', 'modRevision', 'lease']);
const COMPARE_RESULTS = new Set(['=', '!=', '<', '>']);

const invalid = (message: string): MvccFault => fault(MvccErrorCode.InvalidRequest, message);

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);
}

const absent = (x: unknown): boolean => x === undefined || x === null;
const isBytes = (x: unknown): x is Uint8Array => x instanceof Uint8Array;
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);

function optional(o: Obj, field: string, ok: (x: unknown) => boolean, what: string): MvccFault | undefined {
  const x = o[field];
  return absent(x) || ok(x) ? undefined : invalid(`${field} must be ${what}`);
}

function firstFault(...checks: (() => MvccFault | undefined)[]): MvccFault | undefined {
  for (const check of checks) {
    const f = check();
    if (f !== undefined) return f;
  }
  return undefined;
}

function checkKey(o: Obj): MvccFault | undefined {
  if (!isBytes(o['key'])) return invalid('key must be bytes');
  if (o['key'].length === 0) return fault(MvccErrorCode.KeyEmpty, 'key is not provided');
  return optional(o, 'rangeEnd', isBytes, 'bytes');
}

function checkRange(o: Obj): MvccFault | undefined {
  return firstFault(
    () => checkKey(o),
    () => optional(o, 'limit', isCount, 'a non-negative integer'),
    () => optional(o, 'revision', isCount, 'a non-negative integer'),
    () => optional(o, 'keysOnly', (x) => typeof x === 'boolean', 'a boolean'),
    () => optional(o, 'countOnly', (x) => typeof x === 'boolean', 'a boolean'),
  );
}

function checkPut(o: Obj, limits: ValidationLimits): MvccFault | undefined {
  const f = firstFault(
    () => (isBytes(o['key']) ? undefined : invalid('key must be bytes')),
    () => (isBytes(o['key']) && o['key'].length === 0 ? fault(MvccErrorCode.KeyEmpty, 'key is not provided') : undefined),
    () => (isBytes(o['value']) ? undefined : invalid('value must be bytes')),
    () => optional(o, 'lease', isCount, 'a non-negative integer'),
    () => optional(o, 'prevKv', (x) => typeof x === 'boolean', 'a boolean'),
    () => optional(o, 'ignoreValue', (x) => typeof x === 'boolean', 'a boolean'),
    () => optional(o, 'ignoreLease', (x) => typeof x === 'boolean', 'a boolean'),
  );
  if (f !== undefined) return f;
  const value = o['value'] as Uint8Array;
  if (value.length > limits.maxValueBytes) return fault(MvccErrorCode.ValueTooLarge, `value of ${value.length} bytes exceeds ${limits.maxValueBytes}`);
  if (o['ignoreValue'] === true && value.length > 0) return invalid('value is provided with ignoreValue');
  if (o['ignoreLease'] === true && !absent(o['lease']) && o['lease'] !== 0) return invalid('lease is provided with ignoreLease');
  return undefined;
}

function checkDelete(o: Obj): MvccFault | undefined {
  return firstFault(
    () => checkKey(o),
    () => optional(o, 'prevKv', (x) => typeof x === 'boolean', 'a boolean'),
  );
}

function checkCompare(c: unknown): MvccFault | undefined {
  if (!isObj(c)) return invalid('a compare must be an object');
  if (!COMPARE_TARGETS.has(c['target'] as string)) return invalid(`unknown compare target ${String(c['target'])}`);
  if (!COMPARE_RESULTS.has(c['result'] as string)) return invalid(`unknown compare result ${String(c['result'])}`);
  const f = checkKey(c);
  if (f !== undefined) return f;
  if (c['target'] === 'value') return isBytes(c['value']) ? undefined : invalid('a value compare needs bytes');
  return isInt(c['value']) ? undefined : invalid(`a ${String(c['target'])} compare needs an integer`);
}

function checkOp(op: unknown, limits: ValidationLimits, depth: number): MvccFault | undefined {
  if (!isObj(op)) return invalid('a txn op must be an object');
  switch (op['type']) {
    case 'range':
      return checkRange(op);
    case 'put':
      return checkPut(op, limits);
    case 'deleteRange':
      return checkDelete(op);
    case 'txn':
      return checkTxn(op, limits, depth + 1);
    default:
      return invalid(`unknown txn op type ${String(op['type'])}`);
  }
}

function checkOps(o: Obj, field: string, limits: ValidationLimits, depth: number): MvccFault | undefined {
  const list = o[field] ?? [];
  if (!Array.isArray(list)) return invalid(`${field} must be an array`);
  if (list.length > limits.maxTxnOps) return fault(MvccErrorCode.TooManyOps, `too many operations in txn request (${list.length} > ${limits.maxTxnOps})`);
  for (const item of list) {
    const f = field === 'compare' ? checkCompare(item) : checkOp(item, limits, depth);
    if (f !== undefined) return f;
  }
  return undefined;
}

function checkTxn(o: Obj, limits: ValidationLimits, depth: number): MvccFault | undefined {
  if (depth > limits.maxTxnDepth) return invalid(`txn nesting deeper than ${limits.maxTxnDepth}`);
  return firstFault(
    () => checkOps(o, 'compare', limits, depth),
    () => checkOps(o, 'success', limits, depth),
    () => checkOps(o, 'failure', limits, depth),
  );
}

function checkMeta(o: Obj): MvccFault | undefined {
  const f = firstFault(
    () => optional(o, 'clientId', (x) => typeof x === 'string' && x.length > 0 && x.length <= 256, 'a string of 1..256 characters'),
    () => optional(o, 'seq', isCount, 'a non-negative integer'),
    () => optional(o, 'ackSeq', isCount, 'a non-negative integer'),
    () => optional(o, 'nowMs', isInt, 'an integer (milliseconds)'),
  );
  if (f !== undefined) return f;
  if (absent(o['clientId']) !== absent(o['seq'])) return invalid('clientId and seq go together');
  if (!absent(o['ackSeq']) && (absent(o['seq']) || (o['ackSeq'] as number) > (o['seq'] as number))) return invalid('ackSeq must be <= seq');
  return undefined;
}

function checkBody(o: Obj, limits: ValidationLimits): MvccFault | undefined {
  switch (o['type']) {
    case 'range':
      return checkRange(o);
    case 'put':
      return checkPut(o, limits);
    case 'deleteRange':
      return checkDelete(o);
    case 'txn': {
      const f = checkTxn(o, limits, 1);
      if (f !== undefined) return f;
      const bytes = txnPutBytes(o as never);
      return bytes > limits.maxValueBytes ? fault(MvccErrorCode.ValueTooLarge, `txn puts ${bytes} bytes, over ${limits.maxValueBytes}`) : undefined;
    }
    case 'leaseGrant':
      return firstFault(
        () => optional(o, 'id', isCount, 'a non-negative integer'),
        () => (isInt(o['ttlSeconds']) ? undefined : invalid('ttlSeconds must be an integer')),
        () => (isInt(o['nowMs']) ? undefined : invalid('leaseGrant needs nowMs')),
      );
    case 'leaseRevoke':
      return isCount(o['id']) && o['id'] > 0 ? undefined : invalid('id must be a positive integer');
    case 'leaseKeepAlive':
      return firstFault(
        () => (isCount(o['id']) && o['id'] > 0 ? undefined : invalid('id must be a positive integer')),
        () => (isInt(o['nowMs']) ? undefined : invalid('leaseKeepAlive needs nowMs')),
      );
    case 'leasePromote':
      return firstFault(
        () => (isInt(o['nowMs']) ? undefined : invalid('leasePromote needs nowMs')),
        () => optional(o, 'extendMs', isCount, 'a non-negative integer'),
      );
    case 'compact':
      return isCount(o['revision']) ? undefined : invalid('revision must be a non-negative integer');
    default:
      return invalid(`unknown command type ${String(o['type'])}`);
  }
}

/** undefined when `command` has the shape of a Command within limits, else the fault to answer. */
export function checkCommand(command: unknown, limits: ValidationLimits): MvccFault | undefined {
  if (!isObj(command)) return invalid('a command must be an object');
  if (!COMMAND_TYPES.has(command['type'] as string)) return invalid(`unknown command type ${String(command['type'])}`);
  return checkMeta(command) ?? checkBody(command, limits);
}

/** Sum of key and value bytes of every put in a txn, both branches, all levels. */
export function txnPutBytes(o: { readonly success: readonly unknown[]; readonly failure: readonly unknown[] }): number {
  let total = 0;
  for (const op of [...(o.success ?? []), ...(o.failure ?? [])] as Obj[]) {
    if (op['type'] === 'put') total += (op['key'] as Uint8Array).length + (op['value'] as Uint8Array).length;
    else if (op['type'] === 'txn') total += txnPutBytes(op as never);
  }
  return total;
}
