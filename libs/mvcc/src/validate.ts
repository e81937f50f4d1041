// Shape checks for commands. Commands arrive decoded from msgpack, so apply() trusts nothing:
// a malformed command in the Raft log must produce the same error response on every member,
// never an exception. Absent and null optional fields mean the same (msgpack writes undefined
// as nil). Limits follow etcd: a put's value and a txn's total put bytes are capped
// (--max-request-bytes, 1.5 MiB), each txn level has at most maxTxnOps compares/ops per branch.
// Written as flat checks on named fields: this runs on every command, on the hot path.

import { fault, MvccErrorCode, type MvccFault } from './errors.js';

export interface ValidationLimits {
  readonly maxValueBytes: number;
  readonly maxTxnOps: number;
  readonly maxTxnDepth: number;
}

type Obj = Record<string, unknown>;

const COMPARE_TARGETS = new Set(['value', 'version', 'createRevision', 'modRevision', 'lease']);
const COMPARE_RESULTS = new Set(['=', '!=', '<', '>']);

const invalid = (message: string): MvccFault => fault(MvccErrorCode.InvalidRequest, message);

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);
}

const absent = (x: unknown): boolean => x === undefined || x === null;
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);

function optCount(x: unknown, field: string): MvccFault | undefined {
  return absent(x) || isCount(x) ? undefined : invalid(`${field} must be a non-negative integer`);
}

function optBool(x: unknown, field: string): MvccFault | undefined {
  return absent(x) || typeof x === 'boolean' ? undefined : invalid(`${field} must be a boolean`);
}

function checkKey(key: unknown, rangeEnd: unknown): MvccFault | undefined {
  if (!(key instanceof Uint8Array)) return invalid('key must be bytes');
  if (key.length === 0) return fault(MvccErrorCode.KeyEmpty, 'key is not provided');
  return absent(rangeEnd) || rangeEnd instanceof Uint8Array ? undefined : invalid('rangeEnd must be bytes');
}

export function checkRange(o: Obj): MvccFault | undefined {
  return (
    checkKey(o['key'], o['rangeEnd']) ??
    optCount(o['limit'], 'limit') ??
    optCount(o['revision'], 'revision') ??
    optBool(o['keysOnly'], 'keysOnly') ??
    optBool(o['countOnly'], 'countOnly')
  );
}

function checkPut(o: Obj, limits: ValidationLimits): MvccFault | undefined {
  const value = o['value'];
  const f =
    checkKey(o['key'], undefined) ??
    (value instanceof Uint8Array ? undefined : invalid('value must be bytes')) ??
    optCount(o['lease'], 'lease') ??
    optBool(o['prevKv'], 'prevKv') ??
    optBool(o['ignoreValue'], 'ignoreValue') ??
    optBool(o['ignoreLease'], 'ignoreLease');
  if (f !== undefined) return f;
  const size = (value as Uint8Array).length;
  if (size > limits.maxValueBytes) return fault(MvccErrorCode.ValueTooLarge, `value of ${size} bytes exceeds ${limits.maxValueBytes}`);
  if (o['ignoreValue'] === true && size > 0) return invalid('value is provided with ignoreValue');
  if (o['ignoreLease'] === true && !absent(o['lease']) && o['lease'] !== 0) return invalid('lease is provided with ignoreLease');
  return undefined;
}

function checkDelete(o: Obj): MvccFault | undefined {
  return checkKey(o['key'], o['rangeEnd']) ?? optBool(o['prevKv'], 'prevKv');
}

function checkCompare(c: unknown): MvccFault | undefined {
  if (!isObj(c)) return invalid('a compare must be an object');
  if (!COMPARE_TARGETS.has(c['target'] as string)) return invalid(`unknown compare target ${String(c['target'])}`);
  if (!COMPARE_RESULTS.has(c['result'] as string)) return invalid(`unknown compare result ${String(c['result'])}`);
  const f = checkKey(c['key'], c['rangeEnd']);
  if (f !== undefined) return f;
  if (c['target'] === 'value') return c['value'] instanceof Uint8Array ? undefined : invalid('a value compare needs bytes');
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
      return checkTxnShape(op, limits, depth + 1);
    default:
      return invalid(`unknown txn op type ${String(op['type'])}`);
  }
}

function checkList(list: unknown, field: string, limits: ValidationLimits, each: (item: unknown) => MvccFault | undefined): MvccFault | undefined {
  if (absent(list)) return undefined;
  if (!Array.isArray(list)) return invalid(`${field} must be an array`);
  if (list.length > limits.maxTxnOps) return fault(MvccErrorCode.TooManyOps, `too many operations in txn request (${list.length} > ${limits.maxTxnOps})`);
  for (const item of list) {
    const f = each(item);
    if (f !== undefined) return f;
  }
  return undefined;
}

function checkTxnShape(o: Obj, limits: ValidationLimits, depth: number): MvccFault | undefined {
  if (depth > limits.maxTxnDepth) return invalid(`txn nesting deeper than ${limits.maxTxnDepth}`);
  const op = (item: unknown): MvccFault | undefined => checkOp(item, limits, depth);
  return (
    checkList(o['compare'], 'compare', limits, checkCompare) ??
    checkList(o['success'], 'success', limits, op) ??
    checkList(o['failure'], 'failure', limits, op)
  );
}

function checkTxn(o: Obj, limits: ValidationLimits): MvccFault | undefined {
  const f = checkTxnShape(o, limits, 1);
  if (f !== undefined) return f;
  const bytes = txnPutBytes(o);
  return bytes > limits.maxValueBytes ? fault(MvccErrorCode.ValueTooLarge, `txn puts ${bytes} bytes, over ${limits.maxValueBytes}`) : undefined;
}

function checkMeta(o: Obj): MvccFault | undefined {
  const clientId = o['clientId'];
  const seq = o['seq'];
  const ackSeq = o['ackSeq'];
  if (!absent(clientId) && !(typeof clientId === 'string' && clientId.length > 0 && clientId.length <= 256)) return invalid('clientId must be a string of 1..256 characters');
  const f = optCount(seq, 'seq') ?? optCount(ackSeq, 'ackSeq');
  if (f !== undefined) return f;
  if (!absent(o['nowMs']) && !isInt(o['nowMs'])) return invalid('nowMs must be an integer (milliseconds)');
  if (absent(clientId) !== absent(seq)) return invalid('clientId and seq go together');
  if (!absent(ackSeq) && (absent(seq) || (ackSeq as number) > (seq as number))) return invalid('ackSeq must be <= seq');
  return undefined;
}

const positiveId = (x: unknown): MvccFault | undefined => (isCount(x) && x > 0 ? undefined : invalid('id must be a positive integer'));
const needNow = (o: Obj): MvccFault | undefined => (isInt(o['nowMs']) ? undefined : invalid(`${String(o['type'])} needs nowMs`));

function checkBody(o: Obj, limits: ValidationLimits): MvccFault | undefined {
  switch (o['type']) {
    case 'range':
      return checkRange(o);
    case 'put':
      return checkPut(o, limits);
    case 'deleteRange':
      return checkDelete(o);
    case 'txn':
      return checkTxn(o, limits);
    case 'leaseGrant':
      return optCount(o['id'], 'id') ?? (isInt(o['ttlSeconds']) ? undefined : invalid('ttlSeconds must be an integer')) ?? needNow(o);
    case 'leaseRevoke':
      return positiveId(o['id']);
    case 'leaseKeepAlive':
      return positiveId(o['id']) ?? needNow(o);
    case 'leasePromote':
      return needNow(o) ?? optCount(o['extendMs'], 'extendMs');
    case 'compact':
      return isCount(o['revision']) ? undefined : invalid('revision must be a non-negative integer');
    default:
      return invalid(`unknown command type ${String(o['type'])}`);
  }
}

/** undefined when `command` has the shape of a Command within limits, else the fault to answer. */
export function checkCommand(command: unknown, limits: ValidationLimits): MvccFault | undefined {
  if (!isObj(command)) return invalid('a command must be an object');
  return checkMeta(command) ?? checkBody(command, limits);
}

/** Sum of key and value bytes of every put in a txn, both branches, all levels (shape already checked). */
function txnPutBytes(o: Obj): number {
  let total = 0;
  for (const list of [o['success'], o['failure']]) {
    if (!Array.isArray(list)) continue;
    for (const op of list as Obj[]) {
      if (op['type'] === 'put') total += (op['key'] as Uint8Array).length + (op['value'] as Uint8Array).length;
      else if (op['type'] === 'txn') total += txnPutBytes(op);
    }
  }
  return total;
}
