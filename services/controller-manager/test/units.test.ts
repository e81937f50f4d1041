import { describe, expect, it } from 'vitest';
import { DurationError, parseDurationMs } from '../src/duration.js';
import { ALL_CONTROLLERS, enabledControllers } from '../src/controller-manager.js';

describe('parseDurationMs', () => {
  it('reads Go durations', () => {
    expect(parseDurationMs('40s')).toBe(40_000);
    expect(parseDurationMs('1m30s')).toBe(90_000);
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('1.5s')).toBe(1_500);
  });
  it('rejects what is not one', () => {
    for (const bad of ['', '40', 's', '40x', '1m 30s', '-1s']) expect(() => parseDurationMs(bad)).toThrow(DurationError);
  });
});

describe('enabledControllers', () => {
  it('is every controller by default and for *', () => {
    expect(enabledControllers(undefined)).toEqual([...ALL_CONTROLLERS]);
    expect(enabledControllers(['*'])).toEqual([...ALL_CONTROLLERS]);
  });
  it('takes names, and -name leaves one out of *', () => {
    expect(enabledControllers(['deployment', 'replicaset'])).toEqual(['replicaset', 'deployment']);
    expect(enabledControllers(['*', '-garbagecollector'])).toEqual(ALL_CONTROLLERS.filter((c) => c !== 'garbagecollector'));
    expect(enabledControllers(['nosuch'])).toEqual([]);
  });
});
