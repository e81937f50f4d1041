// `<data-dir>/cluster.json`: the record of a running cluster, written by `skiff up` once every
// component is ready and removed when it stops. Other commands find the cluster through it, and
// trust it only while its pid is alive (a crash leaves a stale file behind).
//
// `startTicks` pins each pid to one process incarnation (Linux /proc/<pid>/stat starttime), so
// that `skiff down` never signals an unrelated process that reused a dead cluster's pid.

import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './errors.js';

export const STATE_FILE = 'cluster.json';
export const STATE_VERSION = 1;

export interface ProcessRef {
  readonly pid: number;
  /** Kernel start time of the process; undefined where /proc is not available. */
  readonly startTicks: number | undefined;
}

export interface ClusterState {
  readonly v: typeof STATE_VERSION;
  readonly cluster: string;
  /** The `skiff up` process that hosts every component. */
  readonly pid: number;
  readonly startTicks: number | undefined;
  readonly natsUrls: readonly string[];
  /** The nats-server skiff started; undefined when it uses external servers (`--nats`). */
  readonly managedNats: ProcessRef | undefined;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly components: readonly string[];
  readonly nodes: number;
  readonly version: string;
  /** What components add to the summary (API URL, kubeconfig), so a detached start can print it. */
  readonly summaryLines?: readonly string[];
  readonly summaryNext?: readonly string[];
}

export class StateFileError extends CliError {
  override readonly name = 'StateFileError';
  constructor(readonly file: string, reason: string) {
    super(`corrupt state file ${file}: ${reason} (if no cluster runs from it, remove the file)`);
  }
}

export function stateFilePath(dataDir: string): string {
  return join(dataDir, STATE_FILE);
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPid(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

function optionalTicks(v: unknown): number | undefined | null {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
}

function stringArray(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : undefined;
}

/** Checks a decoded cluster.json; returns the reason it is invalid, or the state. */
export function parseClusterState(value: unknown): ClusterState | string {
  if (!isObject(value)) return 'not a JSON object';
  if (value['v'] !== STATE_VERSION) return `unsupported version ${JSON.stringify(value['v'])}`;
  const { cluster, pid, startedAt, version, nodes } = value;
  if (typeof cluster !== 'string' || cluster === '') return 'missing cluster';
  if (!isPid(pid)) return 'missing or invalid pid';
  const startTicks = optionalTicks(value['startTicks']);
  if (startTicks === null) return 'invalid startTicks';
  const natsUrls = stringArray(value['natsUrls']);
  if (natsUrls === undefined || natsUrls.length === 0) return 'missing natsUrls';
  const components = stringArray(value['components']);
  if (components === undefined) return 'missing components';
  if (typeof startedAt !== 'string' || Number.isNaN(Date.parse(startedAt))) return 'invalid startedAt';
  if (typeof version !== 'string') return 'missing version';
  if (typeof nodes !== 'number' || !Number.isSafeInteger(nodes) || nodes < 0) return 'invalid nodes';
  const managed = value['managedNats'];
  let managedNats: ProcessRef | undefined;
  if (managed !== undefined && managed !== null) {
    if (!isObject(managed) || !isPid(managed['pid'])) return 'invalid managedNats';
    const ticks = optionalTicks(managed['startTicks']);
    if (ticks === null) return 'invalid managedNats.startTicks';
    managedNats = { pid: managed['pid'], startTicks: ticks };
  }
  // Optional (absent in files written before components had summaries).
  const rawLines = value['summaryLines'];
  const rawNext = value['summaryNext'];
  const summaryLines = rawLines === undefined || rawLines === null ? undefined : stringArray(rawLines);
  const summaryNext = rawNext === undefined || rawNext === null ? undefined : stringArray(rawNext);
  if ((rawLines !== undefined && rawLines !== null && summaryLines === undefined) || (rawNext !== undefined && rawNext !== null && summaryNext === undefined)) {
    return 'invalid summaryLines or summaryNext';
  }
  return {
    v: STATE_VERSION,
    cluster,
    pid,
    startTicks,
    natsUrls,
    managedNats,
    startedAt,
    components,
    nodes,
    version,
    ...(summaryLines === undefined ? {} : { summaryLines }),
    ...(summaryNext === undefined ? {} : { summaryNext }),
  };
}

/** JSON text of a state (undefined fields become null so that the file shows every key). */
export function renderClusterState(state: ClusterState): string {
  return JSON.stringify(state, (_key, v: unknown) => (v === undefined ? null : v), 2) + '\n';
}

/** The state in `dataDir`, or undefined when there is none. Throws StateFileError when corrupt. */
export function readClusterState(dataDir: string): ClusterState | undefined {
  const file = stateFilePath(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(file, (err as Error).message);
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(file, `not JSON (${(err as Error).message})`);
  }
  const state = parseClusterState(decoded);
  if (typeof state === 'string') throw new StateFileError(file, state);
  return state;
}

/** Writes atomically (temp file + rename) so a reader never sees half a file. */
export function writeClusterState(dataDir: string, state: ClusterState): void {
  const file = stateFilePath(dataDir);
  const tmp = `${file}.${state.pid}.tmp`;
  writeFileSync(tmp, renderClusterState(state), { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * Removes the state file. With `ownerPid`, only when the file still names that process: a
 * stopping cluster must not delete the record of a newer one started in the same directory.
 */
export function removeClusterState(dataDir: string, ownerPid?: number): void {
  if (ownerPid !== undefined) {
    let current: ClusterState | undefined;
    try {
      current = readClusterState(dataDir);
    } catch {
      current = undefined;
    }
    if (current !== undefined && current.pid !== ownerPid) return;
  }
  rmSync(stateFilePath(dataDir), { force: true });
}
