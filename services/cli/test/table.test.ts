import { describe, expect, it } from 'vitest';
import { formatAge, formatStateValue, renderBox, renderTable } from '../src/table.js';

describe('renderTable', () => {
  it('pads every column but the last to its widest cell', () => {
    const text = renderTable(
      ['SERVICE', 'ACTOR', 'STATE'],
      [
        ['supervisor', 'cluster', 'running'],
        ['store', 'member-1', 'leader'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'SERVICE      ACTOR      STATE',
      'supervisor   cluster    running',
      'store        member-1   leader',
    ]);
  });

  it('prints only the header for no rows and tolerates short rows', () => {
    expect(renderTable(['A', 'B'], [])).toBe('A   B');
    expect(renderTable(['A', 'B'], [['x']])).toBe('A   B\nx');
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [192_000, '3m12s'],
    [3_600_000, '1h'],
    [7_500_000, '2h5m'],
    [86_400_000, '1d'],
    [273_600_000, '3d4h'],
    [-5, '0s'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});

describe('renderBox', () => {
  it('draws every line at the same width, title in the top border', () => {
    const lines = renderBox(['short', 'a longer line'], 'Title').split('\n');
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[0]).toContain(' Title ');
    expect(lines[2]).toBe('│ a longer line │');
  });

  it('widens for a title longer than the content', () => {
    const lines = renderBox(['x'], 'a long title here').split('\n');
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });
});

describe('formatStateValue', () => {
  it('flattens nested and parallel state values', () => {
    expect(formatStateValue('running')).toBe('running');
    expect(formatStateValue({ running: 'idle' })).toBe('running.idle');
    expect(formatStateValue({ a: { b: 'c' } })).toBe('a.b.c');
    expect(formatStateValue({ p: { x: 'on', y: 'off' } })).toBe('p.(x.on, y.off)');
    expect(formatStateValue(null)).toBe('null');
  });
});
