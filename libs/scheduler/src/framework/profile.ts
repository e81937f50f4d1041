// Scheduling profiles (KubeSchedulerProfile): a schedulerName, the enabled plugins in order (each
// used at every extension point it implements, like kube-scheduler's multiPoint), score weights,
// plugin args and percentageOfNodesToScore. Pods pick a profile by spec.schedulerName.
import { DefaultSchedulerName } from '../types.js';

export interface PluginConfig {
  readonly name: string;
  /** Score weight; plugins that score default to 1. */
  readonly weight?: number;
  readonly args?: unknown;
}

export interface Profile {
  readonly schedulerName: string;
  readonly plugins: readonly PluginConfig[];
  /** 0 or absent: adaptive (50% minus 1% per 125 nodes, at least 5%); at most 100. */
  readonly percentageOfNodesToScore?: number;
}

/** kube-scheduler's default profile (apis/config/v1/default_plugins.go), minus volume plugins. */
export const DEFAULT_PLUGINS: readonly PluginConfig[] = [
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
];

export function defaultProfile(schedulerName = DefaultSchedulerName): Profile {
  return { schedulerName, plugins: DEFAULT_PLUGINS };
}

/** The default plugins with some replaced (same name: new weight/args) or disabled. */
export function customizeProfile(base: Profile, changes: { readonly schedulerName?: string; readonly set?: readonly PluginConfig[]; readonly disable?: readonly string[]; readonly percentageOfNodesToScore?: number }): Profile {
  const replaced = new Map((changes.set ?? []).map((p) => [p.name, p]));
  const disabled = new Set(changes.disable ?? []);
  const plugins = base.plugins.filter((p) => !disabled.has(p.name)).map((p) => replaced.get(p.name) ?? p);
  for (const p of changes.set ?? []) if (!base.plugins.some((b) => b.name === p.name)) plugins.push(p);
  const percentage = changes.percentageOfNodesToScore ?? base.percentageOfNodesToScore;
  return {
    schedulerName: changes.schedulerName ?? base.schedulerName,
    plugins,
    ...(percentage === undefined ? {} : { percentageOfNodesToScore: percentage }),
  };
}
