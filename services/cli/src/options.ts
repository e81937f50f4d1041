// Parsing and checking of command-line values. Pure: no file system, no environment; the home
// directory comes in as an argument so that tests (and `HOME=...`) decide where `~` points.

import { isAbsolute, join, resolve } from 'node:path';
import { OptionError } from './errors.js';

export const DEFAULT_CLUSTER = 'local';
export const DEFAULT_NODES = 2;
export const DEFAULT_DETACH_TIMEOUT_MS = 60_000;
export const NODES_MAX = 1_000;
/** Hollow kubelets in the `skiff up` process (each costs tens of KiB and a few watches; see bench:kubelet). */
export const HOLLOW_NODES_MAX = 2_000;
/** Store members a local cluster runs: a Raft quorum of 1, 3 or 5 (etcd's recommended sizes). */
export const STORE_MEMBER_COUNTS = [1, 3, 5] as const;
export const DEFAULT_STORE_MEMBERS = 3;
/** Scheduler instances of a local cluster: one leader, the rest standbys. */
export const DEFAULT_SCHEDULERS = 1;
export const SCHEDULERS_MAX = 5;

// A cluster name is a NATS subject token (`skiff.<cluster>.`) and a directory name, so it gets
// the intersection of both: DNS-label-like, as Kubernetes names are.
const CLUSTER_NAME = /^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$/;

export function parseClusterName(value: string): string {
  if (!CLUSTER_NAME.test(value)) {
    throw new OptionError(
      `invalid cluster name ${JSON.stringify(value)}: use 1-63 lowercase letters, digits, '-' or '_', starting and ending with a letter or digit`,
    );
  }
  return value;
}

export function parseNodes(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > NODES_MAX) {
    throw new OptionError(`invalid node count ${JSON.stringify(value)}: use a whole number from 1 to ${NODES_MAX}`);
  }
  return n;
}

/** `--hollow-nodes M`: 0 (none) to HOLLOW_NODES_MAX. */
export function parseHollowNodes(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > HOLLOW_NODES_MAX) {
    throw new OptionError(`invalid hollow node count ${JSON.stringify(value)}: use a whole number from 0 to ${HOLLOW_NODES_MAX}`);
  }
  return n;
}

export function parseStoreMembers(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(STORE_MEMBER_COUNTS as readonly number[]).includes(n)) {
    throw new OptionError(`invalid store member count ${JSON.stringify(value)}: use ${STORE_MEMBER_COUNTS.join(', ')} (an odd quorum)`);
  }
  return n;
}

export function parseSchedulers(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > SCHEDULERS_MAX) {
    throw new OptionError(`invalid scheduler count ${JSON.stringify(value)}: use 1 to ${SCHEDULERS_MAX} (one leads, the others stand by)`);
  }
  return n;
}

export function parsePort(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 65_535) {
    throw new OptionError(`invalid port ${JSON.stringify(value)}: use a number from 1 to 65535`);
  }
  return n;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)?$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000 } as const;

/** `30` (seconds), `30s`, `500ms`, `2m` -> milliseconds. */
export function parseDurationMs(value: string): number {
  const match = DURATION.exec(value.trim());
  const amount = match === null ? NaN : Number(match[1]);
  const unit = (match?.[2] ?? 's') as keyof typeof UNIT_MS;
  const ms = Math.round(amount * UNIT_MS[unit]);
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new OptionError(`invalid duration ${JSON.stringify(value)}: use e.g. 60, 60s, 500ms or 2m`);
  }
  return ms;
}

const NATS_SCHEMES = new Set(['nats:', 'tls:']);

/**
 * One NATS URL or a comma-separated list (the members of a NATS cluster). `host:port` gets the
 * `nats://` scheme; the port defaults to 4222 as in every NATS client.
 */
export function parseNatsUrls(value: string): string[] {
  const parts = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new OptionError('empty --nats: give a URL such as nats://127.0.0.1:4222');
  return parts.map(parseNatsUrl);
}

function parseNatsUrl(raw: string): string {
  const withScheme = raw.includes('://') ? raw : `nats://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new OptionError(`invalid NATS URL ${JSON.stringify(raw)}: use nats://host:port`);
  }
  if (!NATS_SCHEMES.has(url.protocol) || url.hostname === '' || (url.pathname !== '' && url.pathname !== '/')) {
    throw new OptionError(`invalid NATS URL ${JSON.stringify(raw)}: use nats://host:port (or tls://host:port)`);
  }
  const port = url.port === '' ? '4222' : url.port;
  const auth = url.username === '' ? '' : `${url.username}${url.password === '' ? '' : `:${url.password}`}@`;
  return `${url.protocol}//${auth}${url.hostname}:${port}`;
}

/** Expands a leading `~` and makes the path absolute (relative to `cwd`). */
export function expandPath(path: string, home: string, cwd: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return isAbsolute(path) ? resolve(path) : resolve(cwd, path);
}

/** `--data-dir` when given, else `~/.skiff/<cluster>`. */
export function resolveDataDir(cluster: string, home: string, cwd: string, override?: string): string {
  if (override !== undefined) return expandPath(override, home, cwd);
  return join(home, '.skiff', cluster);
}

export interface UpOptions {
  readonly cluster: string;
  readonly nodes: number;
  /** Absolute. */
  readonly dataDir: string;
  /** External NATS servers; absent: skiff starts and manages its own nats-server. */
  readonly natsUrls: readonly string[] | undefined;
  /** Client port of the managed nats-server; absent: a free loopback port. */
  readonly natsPort: number | undefined;
  /** Store members (1, 3 or 5); absent: DEFAULT_STORE_MEMBERS. */
  readonly storeMembers?: number;
  /** HTTPS port of the API server; absent: a free loopback port. */
  readonly apiPort?: number;
  /** Scheduler instances (1 leader + standbys); absent: DEFAULT_SCHEDULERS. */
  readonly schedulers?: number;
  /** Hollow kubelets (simulated containers) besides the real nodes; absent: none. */
  readonly hollowNodes?: number;
}

/**
 * The arguments a detached `up` hands to its child: the same cluster in the foreground, built from
 * the parsed options (not filtered from argv) so the child sees exactly what the parent checked.
 */
export function foregroundUpArgs(opts: UpOptions): string[] {
  const args = ['up', '--cluster', opts.cluster, '--nodes', String(opts.nodes), '--data-dir', opts.dataDir];
  if (opts.natsUrls !== undefined) args.push('--nats', opts.natsUrls.join(','));
  if (opts.natsPort !== undefined) args.push('--nats-port', String(opts.natsPort));
  if (opts.storeMembers !== undefined) args.push('--store-members', String(opts.storeMembers));
  if (opts.apiPort !== undefined) args.push('--api-port', String(opts.apiPort));
  if (opts.schedulers !== undefined) args.push('--schedulers', String(opts.schedulers));
  if (opts.hollowNodes !== undefined && opts.hollowNodes > 0) args.push('--hollow-nodes', String(opts.hollowNodes));
  return args;
}

/** A host name as a NATS subject token: its first label, lowercase, other characters as `-`. */
export function instanceName(hostname: string): string {
  const label = hostname.split('.')[0]?.toLowerCase().replace(/[^a-z0-9_-]/g, '-') ?? '';
  return label === '' ? 'localhost' : label;
}
