// What `skiff up` prints once the cluster is ready: where things are and what to try next.
// Pure: it gets every fact as an argument.

import { DEFAULT_CLUSTER } from './options.js';
import { renderBox } from './table.js';

export interface SummaryFacts {
  readonly cluster: string;
  readonly pid: number;
  readonly natsUrls: readonly string[];
  readonly managedNatsPid: number | undefined;
  readonly dataDir: string;
  /** The directory `skiff` would pick without `--data-dir`: when equal, commands need no flag. */
  readonly defaultDataDir: string;
  readonly logFile: string;
  readonly components: readonly string[];
  /** Foreground: Ctrl-C stops it; detached: `skiff down` does. */
  readonly foreground: boolean;
  /** What the components add (the API server's URL and kubeconfig), in start order. */
  readonly componentLines?: readonly string[];
  readonly componentNext?: readonly string[];
}

/** The flags another command needs to find this cluster. */
export function clusterFlags(cluster: string, dataDir: string, defaultDataDir: string): string {
  const flags: string[] = [];
  if (cluster !== DEFAULT_CLUSTER) flags.push(`--cluster ${cluster}`);
  if (dataDir !== defaultDataDir) flags.push(`--data-dir ${shellQuote(dataDir)}`);
  return flags.length === 0 ? '' : ` ${flags.join(' ')}`;
}

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function renderSummary(f: SummaryFacts): string {
  const flags = clusterFlags(f.cluster, f.dataDir, f.defaultDataDir);
  const nats = f.managedNatsPid === undefined ? `${f.natsUrls.join(',')} (external)` : `${f.natsUrls.join(',')} (pid ${f.managedNatsPid})`;
  const lines = [
    `cluster     ${f.cluster} (pid ${f.pid})`,
    `NATS        ${nats}`,
    `components  ${f.components.join(', ')}`,
    `data        ${f.dataDir}`,
    `logs        ${f.logFile}`,
    ...(f.componentLines ?? []),
    '',
    'Next:',
    ...(f.componentNext ?? []).map((command) => `  ${command}`),
    `  skiff status${flags}`,
    `  skiff inspect${flags} [--watch]`,
    `  skiff down${flags}`,
  ];
  if (f.foreground) lines.push('', 'Ctrl-C stops the cluster.');
  return renderBox(lines, `Skiff cluster ${f.cluster} is up`);
}
