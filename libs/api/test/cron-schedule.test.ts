import { describe, expect, it } from 'vitest';
import { CronParseError, cronMatches, nextCronTime, parseCronSchedule } from '../src/batch/cron-schedule.js';

const at = (iso: string): number => Date.parse(iso);
const next = (spec: string, after: string): string | undefined => {
  const t = nextCronTime(parseCronSchedule(spec), at(after));
  return t === undefined ? undefined : new Date(t).toISOString();
};

describe('cron schedule', () => {
  it('steps, lists and ranges', () => {
    expect(next('*/1 * * * *', '2026-11-25T16:40:30Z')).toBe('2026-11-25T16:41:00.000Z');
    expect(next('*/15 * * * *', '2026-11-25T16:40:00Z')).toBe('2026-11-25T16:45:00.000Z');
    expect(next('5,35 9-17 * * *', '2026-11-25T17:36:00Z')).toBe('2026-11-26T09:05:00.000Z');
    expect(next('10/20 * * * *', '2026-11-25T16:31:00Z')).toBe('2026-11-25T16:50:00.000Z');
  });

  it('names and descriptors', () => {
    // 2026-11-25 is a Wednesday.
    expect(next('0 8 * * MON-FRI', '2026-11-27T09:00:00Z')).toBe('2026-11-30T08:00:00.000Z');
    expect(next('0 0 1 jan *', '2026-11-25T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('@hourly', '2026-11-25T16:00:00Z')).toBe('2026-11-25T17:00:00.000Z');
    expect(next('@weekly', '2026-11-25T16:00:00Z')).toBe('2026-11-29T00:00:00.000Z');
    expect(next('@monthly', '2026-12-31T23:59:00Z')).toBe('2027-01-01T00:00:00.000Z');
  });

  it('day of month and day of week: OR when both are restricted, AND when one is a star', () => {
    // The 1st or any Friday.
    expect(next('0 0 1 * 5', '2026-11-25T00:00:00Z')).toBe('2026-11-27T00:00:00.000Z');
    expect(next('0 0 1 * 5', '2026-11-28T00:00:00Z')).toBe('2026-12-01T00:00:00.000Z');
    expect(next('0 0 * * 5', '2026-11-25T00:00:00Z')).toBe('2026-11-27T00:00:00.000Z');
    expect(cronMatches(parseCronSchedule('0 0 ? * *'), at('2026-11-25T00:00:00Z'))).toBe(true);
  });

  it('a date that never comes has no next time', () => {
    expect(next('0 0 30 2 *', '2026-01-01T00:00:00Z')).toBeUndefined();
    expect(next('0 0 29 2 *', '2026-01-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('rejects bad schedules with a reason', () => {
    for (const bad of ['* * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 7', '*/0 * * * *', '5-1 * * * *', 'a * * * *', '@every 5m', '1-2-3 * * * *', 'TZ=UTC * * * * *']) {
      expect(() => parseCronSchedule(bad), bad).toThrow(CronParseError);
    }
  });
});
