// CronJob schedules: the standard five-field cron syntax that Kubernetes parses with
// robfig/cron v3's ParseStandard (minute hour day-of-month month day-of-week; `*`, `?`, lists,
// ranges, `/step`, month and weekday names; @yearly @annually @monthly @weekly @daily @midnight
// @hourly). As in robfig/cron, a day matches when both day fields match if either of them is a
// bare `*` or `?`, and when either matches otherwise (cron's historical OR).
// Times are wall-clock times of spec.timeZone (an IANA name; UTC when unset: kube-controller-manager
// would use its own local zone). A wall time that a DST change skips does not happen that day; one
// that repeats happens once, at its first occurrence.

export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  /** Either day field was a bare `*` or `?`: days match when both fields match. */
  readonly dayStar: boolean;
}

export class CronParseError extends Error {
  override readonly name = 'CronParseError';
}

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MINUTE: Bounds = { min: 0, max: 59 };
const HOUR: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTH: Bounds = { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] };
const DOW: Bounds = { min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] };

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Parses a schedule; throws CronParseError with robfig-like messages on bad input. */
export function parseCronSchedule(spec: string): CronSchedule {
  const trimmed = spec.trim();
  if (trimmed.startsWith('TZ=') || trimmed.startsWith('CRON_TZ=')) throw new CronParseError('TZ in the schedule is not supported: use spec.timeZone');
  const expanded = trimmed.startsWith('@') ? DESCRIPTORS[trimmed.toLowerCase()] : trimmed;
  if (expanded === undefined) throw new CronParseError(`unrecognized descriptor: ${trimmed}`);
  const fields = expanded.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${fields.length}: ${trimmed}`);
  const [min, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const star = (f: string): boolean => f === '*' || f === '?';
  return {
    minutes: parseField(min, MINUTE),
    hours: parseField(hour, HOUR),
    daysOfMonth: parseField(dom, DOM),
    months: parseField(month, MONTH),
    daysOfWeek: parseField(dow, DOW),
    dayStar: star(dom) || star(dow),
  };
}

function parseField(field: string, bounds: Bounds): Set<number> {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText, ...rest] = part.split('/');
    if (range === undefined || range === '' || rest.length > 0) throw new CronParseError(`invalid expression: ${part}`);
    let step = 1;
    if (stepText !== undefined) {
      step = parseNumber(stepText, part);
      if (step <= 0) throw new CronParseError(`step of range should be a positive number: ${part}`);
    }
    let low: number;
    let high: number;
    if (range === '*' || range === '?') [low, high] = [bounds.min, bounds.max];
    else {
      const [a, b, ...more] = range.split('-');
      if (a === undefined || more.length > 0) throw new CronParseError(`too many hyphens: ${part}`);
      low = value(a, bounds, part);
      // "N/step" means "N-max/step" (robfig/cron).
      high = b !== undefined ? value(b, bounds, part) : stepText !== undefined ? bounds.max : low;
    }
    if (low < bounds.min) throw new CronParseError(`beginning of range (${low}) below minimum (${bounds.min}): ${part}`);
    if (high > bounds.max) throw new CronParseError(`end of range (${high}) above maximum (${bounds.max}): ${part}`);
    if (low > high) throw new CronParseError(`beginning of range (${low}) beyond end of range (${high}): ${part}`);
    for (let v = low; v <= high; v += step) out.add(v);
  }
  return out;
}

function value(text: string, bounds: Bounds, part: string): number {
  const i = bounds.names?.indexOf(text.toLowerCase()) ?? -1;
  return i >= 0 ? i + bounds.min : parseNumber(text, part);
}

function parseNumber(text: string, part: string): number {
  if (!/^\d+$/.test(text)) throw new CronParseError(`failed to parse int from ${text}: ${part}`);
  return Number(text);
}

/** The schedule matches this UTC minute. */
export function cronMatches(s: CronSchedule, ms: number): boolean {
  const d = new Date(ms);
  return s.minutes.has(d.getUTCMinutes()) && s.hours.has(d.getUTCHours()) && s.months.has(d.getUTCMonth() + 1) && dayMatches(s, d);
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.daysOfMonth.has(d.getUTCDate());
  const dow = s.daysOfWeek.has(d.getUTCDay());
  return s.dayStar ? dom && dow : dom || dow;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether this runtime knows the IANA time zone name. */
export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone === '' || timeZone === 'Local') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's wall-clock time at this instant, written as if it were UTC. */
function wallMs(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0);
  return wall + (ms % 1000);
}

const isUtc = (timeZone: string | undefined): boolean => timeZone === undefined || timeZone === 'UTC' || timeZone === 'Etc/UTC';

/**
 * The first scheduled instant strictly after `afterMs`, the schedule read in `timeZone`'s wall
 * clock; undefined if none within about five years (or for an unknown zone).
 */
export function nextCronTime(s: CronSchedule, afterMs: number, timeZone?: string): number | undefined {
  if (isUtc(timeZone)) return nextWallTime(s, afterMs);
  const zone = timeZone as string;
  if (!isKnownTimeZone(zone)) return undefined;
  let wall = wallMs(afterMs, zone);
  // Each round moves to a later wall time; the bound only guards against a zone database gone odd.
  for (let round = 0; round < 1000; round++) {
    const next = nextWallTime(s, wall);
    if (next === undefined) return undefined;
    // Offsets around `next`: the earlier instant first, so a repeated wall time runs at its first occurrence.
    const candidates = [next - (wallMs(next, zone) - next), next - (wallMs(next - 86_400_000, zone) - (next - 86_400_000)), next - (wallMs(next + 86_400_000, zone) - (next + 86_400_000))].sort((a, b) => a - b);
    const hit = candidates.find((t) => t > afterMs && wallMs(t, zone) === next);
    if (hit !== undefined) return hit;
    wall = next;
  }
  return undefined;
}

/** At most this many field jumps when looking for the next time (5 years of days, for Feb 30 and the like). */
const NEXT_STEPS_MAX = 5 * 366 * 3;

/** The first whole minute strictly after `afterMs` that the schedule matches, all in UTC; undefined if none within about five years. */
function nextWallTime(s: CronSchedule, afterMs: number): number | undefined {
  const d = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  for (let i = 0; i < NEXT_STEPS_MAX; i++) {
    if (!s.months.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(s, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!s.hours.has(d.getUTCHours())) d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
    else if (!s.minutes.has(d.getUTCMinutes())) d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
    else return d.getTime();
  }
  return undefined;
}
