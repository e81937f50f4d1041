import { describe, expect, it } from 'vitest';
import { DurationError, parseGoDurationMs, tryParseGoDurationMs } from '../src/duration.js';

describe('Go durations', () => {
  it('reads what time.ParseDuration reads', () => {
    expect(parseGoDurationMs('40s')).toBe(40_000);
    expect(parseGoDurationMs('1m30s')).toBe(90_000);
    expect(parseGoDurationMs('1h2m3s')).toBe(3_723_000);
    expect(parseGoDurationMs('500ms')).toBe(500);
    expect(parseGoDurationMs('1.5s')).toBe(1_500);
    expect(parseGoDurationMs('0')).toBe(0);
    expect(tryParseGoDurationMs('250us')).toBeCloseTo(0.25);
    expect(tryParseGoDurationMs('-1s')).toBe(-1_000);
  });

  it('refuses what is not one, and negative flag values', () => {
    for (const bad of ['', '40', 's', '40x', '1m 30s', '-1s']) expect(() => parseGoDurationMs(bad)).toThrow(DurationError);
    expect(tryParseGoDurationMs('30')).toBeUndefined();
    expect(tryParseGoDurationMs('')).toBeUndefined();
  });
});
