// metav1.Time on the wire: RFC 3339 in whole seconds. Controllers get "now" as milliseconds and
// never read a clock; these turn it into timestamps and back.

/** RFC 3339 with second precision, as metav1.Time marshals ("2024-05-01T10:00:00Z"). */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** RFC 3339 (any precision) to milliseconds; undefined when absent or unparsable. */
export function parseTime(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
