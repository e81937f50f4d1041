// Pure: kube-scheduler's leader election flags (--leader-elect-lease-duration,
// --leader-elect-renew-deadline, --leader-elect-retry-period) as LeaderElectionTimings. Values are
// Go durations as kube-scheduler takes them (`15s`, `500ms`, `1m30s`).
import { tryParseGoDurationMs } from '@skiff/apimachinery';
import type { LeaderElectionTimings } from '@skiff/client';

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

export function parseDurationMs(text: string): number {
  const ms = tryParseGoDurationMs(text);
  if (ms === undefined || ms < 0) throw new FlagError(`invalid duration ${JSON.stringify(text)} (want e.g. 15s, 500ms, 1m30s)`);
  return ms;
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
