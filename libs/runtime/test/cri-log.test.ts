// The CRI log format, line splitting and the pod IP allocator.
import { describe, expect, it } from 'vitest';
import { encodeLogLine, formatForKubectl, formatRfc3339Nano, LogFormatError, MAX_LOG_LINE_BYTES, parseLogLine, tailRecords } from '../src/cri-log.js';
import { LineSplitter } from '../src/log-writer.js';
import { PodIPAllocator, PodIPRangeError } from '../src/pod-ip.js';

describe('CRI log lines', () => {
  it("formats RFC3339Nano as Go does: nanoseconds with trailing zeros trimmed", () => {
    expect(formatRfc3339Nano(1_700_000_000_123_450_000n)).toBe('2023-11-14T22:13:20.12345Z');
    expect(formatRfc3339Nano(1_700_000_000_000_000_000n)).toBe('2023-11-14T22:13:20Z');
    expect(formatRfc3339Nano(1_700_000_000_000_000_001n)).toBe('2023-11-14T22:13:20.000000001Z');
  });

  it('round-trips a record and prints it as kubectl logs [--timestamps] does', () => {
    const text = encodeLogLine('2023-11-14T22:13:20.12345Z', 'stderr', 'F', 'boom: a b');
    expect(text).toBe('2023-11-14T22:13:20.12345Z stderr F boom: a b\n');
    const line = parseLogLine(text.slice(0, -1));
    expect(line).toEqual({ timestamp: '2023-11-14T22:13:20.12345Z', timeMs: 1_700_000_000_123, stream: 'stderr', tag: 'F', content: 'boom: a b' });
    expect(formatForKubectl(line, false)).toBe('boom: a b\n');
    expect(formatForKubectl(line, true)).toBe('2023-11-14T22:13:20.12345Z boom: a b\n');
    expect(formatForKubectl({ ...line, tag: 'P' }, false)).toBe('boom: a b');
  });

  it('rejects malformed records with a LogFormatError', () => {
    for (const bad of ['garbage', 'notatime stdout F x', '2023-11-14T22:13:20Z stdin F x', '2023-11-14T22:13:20Z stdout X x']) {
      expect(() => parseLogLine(bad)).toThrow(LogFormatError);
    }
  });

  it('tails whole lines: partial pieces stay with their line', () => {
    const rec = (content: string, tag: 'F' | 'P') => ({ timestamp: 't', timeMs: 0, stream: 'stdout' as const, tag, content });
    const records = [rec('a', 'F'), rec('b1', 'P'), rec('b2', 'F'), rec('c', 'F')];
    expect(tailRecords(records, 2).map((r) => r.content)).toEqual(['b1', 'b2', 'c']);
    expect(tailRecords(records, 0)).toEqual([]);
    expect(tailRecords(records, 10)).toHaveLength(4);
  });

  it('splits long lines into P records and ends a last unterminated line with F', () => {
    const out: [string, string][] = [];
    const s = new LineSplitter((content, tag) => out.push([tag, content]));
    s.push(Buffer.from('one\ntw'));
    s.push(Buffer.from('o\n' + 'x'.repeat(MAX_LOG_LINE_BYTES + 5) + '\nlast'));
    s.end();
    expect(out.map(([t, c]) => [t, c.length > 20 ? c.length : c])).toEqual([
      ['F', 'one'],
      ['F', 'two'],
      ['P', MAX_LOG_LINE_BYTES],
      ['F', 'xxxxx'],
      ['F', 'last'],
    ]);
  });
});

describe('pod IP allocator', () => {
  it('hands out distinct loopback addresses and reuses released ones only after the others', () => {
    const a = new PodIPAllocator('127.9.0.0/30');
    expect([a.allocate(), a.allocate()]).toEqual(['127.9.0.1', '127.9.0.2']);
    expect(() => a.allocate()).toThrow(PodIPRangeError);
    a.release('127.9.0.1');
    expect(a.allocate()).toBe('127.9.0.1');
  });

  it('refuses ranges outside 127.0.0.0/8 and malformed ones', () => {
    expect(() => new PodIPAllocator('10.0.0.0/16')).toThrow(/outside 127/);
    expect(() => new PodIPAllocator('127.0.0.0')).toThrow(PodIPRangeError);
    expect(() => new PodIPAllocator('127.0.0.0/31')).toThrow(PodIPRangeError);
  });
});
