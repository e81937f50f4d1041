// The checker on a single register (Herlihy & Wing's classic examples), the event-list form, pending
// operations, budgets and malformed histories.
import { describe, expect, it } from 'vitest';
import {
  checkLinearizability,
  historyFromEvents,
  HistoryError,
  type HistoryEvent,
  type Model,
  type Operation,
} from '../src/linearizability/index.js';

type RegisterInput = { type: 'read' } | { type: 'write'; value: number };
type RegisterOutput = { value: number } | 'ok';
type RegisterOp = Operation<RegisterInput, RegisterOutput>;

const register: Model<number, RegisterInput, RegisterOutput> = {
  init: () => 0,
  step: (state, input, output) => {
    if (input.type === 'write') return [input.value];
    if (output === undefined || output === 'ok') return [state];
    return output.value === state ? [state] : [];
  },
  hash: (state) => String(state),
  isReadOnly: (input) => input.type === 'read',
  describeOperation: (input, output) =>
    input.type === 'write' ? `write ${input.value}` : `read -> ${output === undefined || output === 'ok' ? '?' : output.value}`,
};

const write = (clientId: number, value: number, callTime: number, returnTime?: number): RegisterOp =>
  returnTime === undefined
    ? { clientId, input: { type: 'write', value }, callTime }
    : { clientId, input: { type: 'write', value }, output: 'ok', callTime, returnTime };
const read = (clientId: number, value: number, callTime: number, returnTime: number): RegisterOp => ({
  clientId,
  input: { type: 'read' },
  output: { value },
  callTime,
  returnTime,
});

describe('checkLinearizability on a register', () => {
  it('accepts a read concurrent with a write seeing the old value, and a later read seeing the new', () => {
    const history = [write(1, 1, 0, 10), read(2, 0, 1, 2), read(3, 1, 11, 12)];
    const result = checkLinearizability(register, history);
    expect(result.type).toBe('linearizable');
    if (result.type !== 'linearizable') return;
    expect(result.linearizations.get('')).toEqual([history[1], history[0], history[2]]);
  });

  it('rejects a stale read after a write completed, naming the read and the prefix before it', () => {
    const history = [write(1, 1, 0, 1), read(2, 0, 2, 3)];
    const result = checkLinearizability(register, history);
    expect(result.type).toBe('illegal');
    if (result.type !== 'illegal') return;
    expect(result.failure.operation).toBe(history[1]);
    expect(result.failure.longestPrefix).toEqual([history[0]]);
    expect(result.failure.stateAfterPrefix).toBe(1);
    expect(result.failure.explanation).toContain('Cannot be linearized: client 2 [2, 3] read -> 0');
    expect(result.failure.explanation).toContain('State after it: 1');
  });

  it('accepts reads of either of two concurrent writes, but not flip-flopping between them', () => {
    const both = [write(1, 1, 0, 10), write(2, 2, 0, 10), read(3, 2, 1, 2), read(4, 1, 3, 4)];
    expect(checkLinearizability(register, both).ok).toBe(true);
    const flipFlop = [...both, read(5, 2, 5, 6)];
    const result = checkLinearizability(register, flipFlop);
    expect(result.type).toBe('illegal');
    if (result.type === 'illegal') expect(result.failure.operation).toBe(flipFlop[4]);
  });

  it('rejects two sequential reads that disagree with no write between them', () => {
    const history = [write(1, 1, 0, 10), read(2, 1, 1, 2), read(2, 0, 3, 4)];
    expect(checkLinearizability(register, history).type).toBe('illegal');
  });

  it('treats touching intervals as concurrent', () => {
    expect(checkLinearizability(register, [write(1, 1, 0, 5), read(2, 0, 5, 6)]).ok).toBe(true);
    expect(checkLinearizability(register, [write(1, 1, 0, 5), read(2, 0, 6, 7)]).ok).toBe(false);
  });

  it('accepts an empty history', () => {
    expect(checkLinearizability(register, []).type).toBe('linearizable');
  });
});

describe('pending operations', () => {
  it('lets a pending write take effect at any time after its call', () => {
    const history = [write(1, 7, 0), read(2, 0, 1, 2), read(3, 7, 100, 101)];
    expect(checkLinearizability(register, history).ok).toBe(true);
  });

  it('lets a pending write never take effect', () => {
    const history = [write(1, 7, 0), read(2, 0, 1, 2), read(3, 0, 100, 101)];
    expect(checkLinearizability(register, history).ok).toBe(true);
  });

  it('does not let a pending write take effect before its call', () => {
    const history = [read(2, 7, 0, 1), write(1, 7, 2)];
    expect(checkLinearizability(register, history).ok).toBe(false);
  });

  it('does not let a pending write be undone once seen', () => {
    const history = [write(1, 7, 0), read(2, 7, 1, 2), read(3, 0, 3, 4)];
    expect(checkLinearizability(register, history).ok).toBe(false);
  });

  it('treats returnTime Infinity like an absent returnTime and ignores a pending output', () => {
    const history: RegisterOp[] = [
      { clientId: 1, input: { type: 'read' }, output: { value: 99 }, callTime: 0, returnTime: Number.POSITIVE_INFINITY },
      read(2, 0, 1, 2),
    ];
    const result = checkLinearizability(register, history);
    expect(result.ok).toBe(true);
    expect(result.stats.pendingReadsDropped).toBe(1);
  });
});

describe('historyFromEvents', () => {
  it('matches calls and returns by id, uses positions as times, and makes unmatched calls pending', () => {
    const events: HistoryEvent<RegisterInput, RegisterOutput>[] = [
      { type: 'call', id: 'w', clientId: 1, input: { type: 'write', value: 1 } },
      { type: 'call', id: 'r', clientId: 2, input: { type: 'read' } },
      { type: 'return', id: 'r', output: { value: 0 } },
      { type: 'call', id: 'lost', clientId: 3, input: { type: 'write', value: 2 } },
      { type: 'return', id: 'w', output: 'ok' },
    ];
    expect(historyFromEvents(events)).toEqual([
      { clientId: 1, input: { type: 'write', value: 1 }, output: 'ok', callTime: 0, returnTime: 4 },
      { clientId: 2, input: { type: 'read' }, output: { value: 0 }, callTime: 1, returnTime: 2 },
      { clientId: 3, input: { type: 'write', value: 2 }, callTime: 3 },
    ]);
    expect(checkLinearizability(register, historyFromEvents(events)).ok).toBe(true);
  });

  it('rejects a return without a call and a double return', () => {
    const stray: HistoryEvent<RegisterInput, RegisterOutput>[] = [{ type: 'return', id: 1, output: 'ok' }];
    expect(() => historyFromEvents(stray)).toThrow(HistoryError);
    const twice: HistoryEvent<RegisterInput, RegisterOutput>[] = [
      { type: 'call', id: 1, clientId: 1, input: { type: 'read' } },
      { type: 'return', id: 1, output: { value: 0 } },
      { type: 'return', id: 1, output: { value: 0 } },
    ];
    expect(() => historyFromEvents(twice)).toThrow(/second return/);
  });
});

describe('malformed histories', () => {
  it('throws a HistoryError for a return before the call, a NaN call time, or a returned op without output', () => {
    expect(() => checkLinearizability(register, [read(1, 0, 5, 4)])).toThrow(HistoryError);
    expect(() => checkLinearizability(register, [read(1, 0, Number.NaN, 4)])).toThrow(HistoryError);
    const noOutput: RegisterOp = { clientId: 1, input: { type: 'read' }, callTime: 0, returnTime: 1 };
    expect(() => checkLinearizability(register, [noOutput])).toThrow(/no output/);
  });
});

describe('budget', () => {
  // Ten sequential writes need at least ten search steps.
  const sequential = Array.from({ length: 10 }, (_, i) => write(1, i, 2 * i, 2 * i + 1));

  it('returns unknown when the step budget runs out', () => {
    const result = checkLinearizability(register, sequential, { maxSteps: 5 });
    expect(result.type).toBe('unknown');
    if (result.type !== 'unknown') return;
    expect(result.reason).toBe('steps');
    expect(result.stats.steps).toBe(5);
    expect(result.explanation).toContain('step budget');
    expect(checkLinearizability(register, sequential, { maxSteps: 100 }).type).toBe('linearizable');
  });

  it('returns unknown once the caller-given deadline has passed', () => {
    let nowMs = 0;
    const now = (): number => (nowMs += 10);
    const result = checkLinearizability(register, sequential, { now, deadlineMs: 5 });
    expect(result.type).toBe('unknown');
    if (result.type === 'unknown') expect(result.reason).toBe('deadline');
  });

  it('refuses a deadline without a clock', () => {
    expect(() => checkLinearizability(register, sequential, { deadlineMs: 5 })).toThrow(TypeError);
  });

  it('is finite on a history with many concurrent writes and an impossible read', () => {
    // 12 overlapping writes: without the memo the search would try 12! (479 million) orders before
    // giving up; with it, at most 12 * 2^11 (linearized set, last value) pairs.
    const writes = Array.from({ length: 12 }, (_, i) => write(i, i + 1, 0, 100));
    const result = checkLinearizability(register, [...writes, read(99, 42, 101, 102)], { maxSteps: 2_000_000 });
    expect(result.type).toBe('illegal');
    expect(result.stats.steps).toBeLessThan(2_000_000);
  });
});
