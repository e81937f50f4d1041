import { describe, expect, it } from 'vitest';
import { CronParseError, cronMatches, isKnownTimeZone, nextCronTime, parseCronSchedule } from '../src/batch/cron-schedule.js';

const at = (iso: string): number => Date.parse(iso);
const next = (spec: string, after: string, timeZone?: string): string | undefined => {
  const t = nextCronTime(parseCronSchedule(spec), at(after), timeZone);
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

  it('reads the schedule in spec.timeZone, across DST changes', () => {
    expect(next('0 9 * * *', '2026-11-25T00:00:00Z', 'Europe/Berlin')).toBe('2026-11-25T08:00:00.000Z');
    expect(next('0 9 * * *', '2026-07-01T00:00:00Z', 'Europe/Berlin')).toBe('2026-07-01T07:00:00.000Z');
    expect(next('0 9 * * *', '2026-11-25T00:00:00Z', 'Etc/UTC')).toBe('2026-11-25T09:00:00.000Z');
    // 2026-03-29 02:00 -> 03:00 in Berlin: 02:30 does not exist that day.
    expect(next('30 2 * * *', '2026-03-28T12:00:00Z', 'Europe/Berlin')).toBe('2026-03-30T00:30:00.000Z');
    // 2026-10-25 03:00 -> 02:00: 02:30 comes twice and runs once, at its first occurrence (CEST).
    expect(next('30 2 * * *', '2026-10-24T12:00:00Z', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
    expect(next('30 2 * * *', '2026-10-25T00:30:00Z', 'Europe/Berlin')).toBe('2026-10-26T01:30:00.000Z');
    // Wall-clock semantics: the repeated hour 02:00-02:59 (CET) does not run a second time.
    expect(next('0 * * * *', '2026-10-25T00:30:00Z', 'Europe/Berlin')).toBe('2026-10-25T02:00:00.000Z');
    expect(next('* * * * *', '2026-11-25T00:00:00Z', 'Mars/Olympus')).toBeUndefined();
    expect([isKnownTimeZone('America/New_York'), isKnownTimeZone('Mars/Olympus'), isKnownTimeZone('Local'), isKnownTimeZone('')]).toEqual([true, false, false, false]);
  });

  it('rejects bad schedules with a reason', () => {
    for (const bad of ['* * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 7', '*/0 * * * *', '5-1 * * * *', 'a * * * *', '@every 5m', '1-2-3 * * * *', 'TZ=UTC * * * * *']) {
      expect(() => parseCronSchedule(bad), bad).toThrow(CronParseError);
    }
  });
});
