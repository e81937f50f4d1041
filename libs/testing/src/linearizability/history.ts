// Histories for the linearizability checker: what each client called, when, and what came back.
//
// Times are numbers from any clock the harness trusts to order events (a logical counter, the
// simulation clock); only their order matters. Two events at the same time are treated as concurrent
// (a call at t overlaps a return at t), which can only hide a violation, never invent one.
//
// An operation that never returned (crashed client, timeout) is *pending*: it may have taken effect at
// any moment after its call, or never. Following Porcupine, it gets a return time of +infinity and an
// unknown output, so the checker may place it anywhere after its call, including after everything else
// (which is how "never took effect" is expressed). Operations known NOT to have taken effect (a request
// that was never sent, a definite rejection) do not belong in the history at all.

export type ClientId = string | number;

/** Outputs must not include `undefined`: the checker passes `undefined` to a model for "unknown". */
export type Defined = NonNullable<unknown> | null;

export interface Operation<I, O extends Defined> {
  readonly clientId: ClientId;
  readonly input: I;
  /** Absent on a pending operation; also ignored when the operation is pending. */
  readonly output?: O;
  readonly callTime: number;
  /** Absent or +Infinity: the operation is pending. */
  readonly returnTime?: number;
}

/** The event-list form (Porcupine's `[]Event`, Jepsen's :invoke/:ok): calls and returns matched by id. */
export type HistoryEvent<I, O extends Defined> =
  | { readonly type: 'call'; readonly id: string | number; readonly clientId: ClientId; readonly input: I; readonly time?: number }
  | { readonly type: 'return'; readonly id: string | number; readonly output: O; readonly time?: number };

/** A malformed history: a harness bug, not a linearizability violation. */
export class HistoryError extends Error {
  override readonly name = 'HistoryError';
}

export function isPending(op: Operation<unknown, Defined>): boolean {
  return op.returnTime === undefined || op.returnTime === Number.POSITIVE_INFINITY;
}

/** The return time the search uses: +Infinity for a pending operation. */
export function returnTimeOf(op: Operation<unknown, Defined>): number {
  return op.returnTime ?? Number.POSITIVE_INFINITY;
}

export function validateOperation(op: Operation<unknown, Defined>, index: number): void {
  if (!Number.isFinite(op.callTime)) {
    throw new HistoryError(`operation ${index}: callTime must be a finite number, got ${String(op.callTime)}`);
  }
  const returnTime = returnTimeOf(op);
  if (Number.isNaN(returnTime) || returnTime === Number.NEGATIVE_INFINITY || returnTime < op.callTime) {
    throw new HistoryError(`operation ${index}: returnTime ${String(op.returnTime)} is before callTime ${op.callTime}`);
  }
  if (!isPending(op) && op.output === undefined) {
    throw new HistoryError(`operation ${index}: returned but has no output (make it pending if the output is unknown)`);
  }
}

/**
 * Turns a list of call/return events into operations. An event without `time` takes its position in
 * the list as its time. A call without a return is pending; a return without a call, a second call or
 * a second return with the same id is a HistoryError.
 */
export function historyFromEvents<I, O extends Defined>(events: readonly HistoryEvent<I, O>[]): Operation<I, O>[] {
  const calls = new Map<string | number, { clientId: ClientId; input: I; callTime: number }>();
  const returns = new Map<string | number, { output: O; returnTime: number }>();
  events.forEach((event, position) => {
    const time = event.time ?? position;
    if (event.type === 'call') {
      if (calls.has(event.id)) throw new HistoryError(`event ${position}: second call with id ${String(event.id)}`);
      calls.set(event.id, { clientId: event.clientId, input: event.input, callTime: time });
      return;
    }
    if (!calls.has(event.id)) throw new HistoryError(`event ${position}: return for unknown call id ${String(event.id)}`);
    if (returns.has(event.id)) throw new HistoryError(`event ${position}: second return for id ${String(event.id)}`);
    returns.set(event.id, { output: event.output, returnTime: time });
  });
  const operations: Operation<I, O>[] = [];
  for (const [id, call] of calls) {
    const ret = returns.get(id);
    const base = { clientId: call.clientId, input: call.input, callTime: call.callTime };
    operations.push(ret === undefined ? base : { ...base, output: ret.output, returnTime: ret.returnTime });
  }
  return operations;
}
