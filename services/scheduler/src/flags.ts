// Pure: kube-scheduler's leader election flags (--leader-elect-lease-duration,
// --leader-elect-renew-deadline, --leader-elect-retry-period) as LeaderElectionTimings. Values are
// Go durations as kube-scheduler takes them (`15s`, `500ms`, `1m30s`).
import type { LeaderElectionTimings } from '@skiff/client';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

export function parseDurationMs(text: string): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) throw new FlagError(`invalid duration ${JSON.stringify(text)} (want e.g. 15s, 500ms, 1m30s)`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2]!] ?? 0), 0);
}

export interface LeaderElectFlags {
  readonly leaderElectLeaseDuration?: string;
  readonly leaderElectRenewDeadline?: string;
  readonly leaderElectRetryPeriod?: string;
}

/** Only the flags given; the elector fills in client-go's defaults (15 s, 10 s, 2 s) for the rest. */
export function leaderElectionTimings(flags: LeaderElectFlags): Partial<LeaderElectionTimings> {
  const t: { -readonly [K in keyof LeaderElectionTimings]?: number } = {};
  if (flags.leaderElectLeaseDuration !== undefined) t.leaseDurationMs = parseDurationMs(flags.leaderElectLeaseDuration);
  if (flags.leaderElectRenewDeadline !== undefined) t.renewDeadlineMs = parseDurationMs(flags.leaderElectRenewDeadline);
  if (flags.leaderElectRetryPeriod !== undefined) t.retryPeriodMs = parseDurationMs(flags.leaderElectRetryPeriod);
  return t;
}
