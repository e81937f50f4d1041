// Go's time.ParseDuration, as Kubernetes reads durations in flags (`--node-monitor-grace-period
// 40s`), config (`evictionSoftGracePeriod`) and API fields (PodMetrics `window`): a sequence of
// decimal numbers with units h, m, s, ms, us (µs) and ns, `0` alone, an optional sign. Pure.

export class DurationError extends Error {
  override readonly name = 'DurationError';
}

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000_001 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(h|ms|us|µs|ns|m|s)/g;

/** Milliseconds, or undefined when `text` is not a Go duration. */
export function tryParseGoDurationMs(text: string): number | undefined {
  const t = text.trim();
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[-+]/, '');
  if (body === '0') return 0;
  const parts = [...body.matchAll(PART)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== body) return undefined;
  return sign * parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2]!] ?? 0), 0);
}

/** Milliseconds of a duration that may not be negative (flags, periods); else DurationError naming the text. */
export function parseGoDurationMs(text: string): number {
  const ms = tryParseGoDurationMs(text);
  if (ms === undefined || ms < 0) throw new DurationError(`invalid duration ${JSON.stringify(text)} (want e.g. 40s, 1m30s, 500ms)`);
  return ms;
}
