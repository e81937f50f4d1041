import { describe, expect, it } from 'vitest';
import { OptionError } from '../src/errors.js';
import { foregroundUpArgs, parseSchedulers, SCHEDULERS_MAX } from '../src/options.js';
import { schedulerInstanceNames } from '../src/scheduler.component.js';

describe('--schedulers', () => {
  it('accepts 1 to SCHEDULERS_MAX and rejects the rest with an OptionError', () => {
    expect(parseSchedulers('1')).toBe(1);
    expect(parseSchedulers('2')).toBe(2);
    expect(parseSchedulers(String(SCHEDULERS_MAX))).toBe(SCHEDULERS_MAX);
    for (const bad of ['0', String(SCHEDULERS_MAX + 1), '-1', '1.5', 'two', '']) expect(() => parseSchedulers(bad)).toThrow(OptionError);
  });

  it('is handed to a detached child and names instances scheduler-1..n', () => {
    const args = foregroundUpArgs({ cluster: 'c', nodes: 1, dataDir: '/d', natsUrls: undefined, natsPort: undefined, schedulers: 2 });
    expect(args.slice(args.indexOf('--schedulers'), args.indexOf('--schedulers') + 2)).toEqual(['--schedulers', '2']);
    expect(schedulerInstanceNames(2)).toEqual(['scheduler-1', 'scheduler-2']);
  });
});
