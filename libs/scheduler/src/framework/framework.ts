// The framework of one profile (frameworkImpl): plugins instantiated from the registry and sorted
// into extension points, and the Run* helpers that call them in order. Stateless between cycles:
// everything a cycle computes lives in its CycleState.
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import type { Snapshot } from '../snapshot.js';
import type { CycleState } from './cycle-state.js';
import type {
  AnyPlugin,
  ClusterEventType,
  FilterPlugin,
  FrameworkHandle,
  PostFilterPlugin,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from './interfaces.js';
import type { Profile } from './profile.js';
import { ProfileError, type Registry } from './registry.js';
import { Code, type PluginResult, type Status } from './status.js';

export interface WeightedScorePlugin {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

export class Framework implements FrameworkHandle {
  readonly profileName: string;
  readonly percentageOfNodesToScore: number | undefined;
  readonly plugins: readonly AnyPlugin[];
  readonly preFilterPlugins: readonly PreFilterPlugin[];
  readonly filterPlugins: readonly FilterPlugin[];
  readonly postFilterPlugins: readonly PostFilterPlugin[];
  readonly preScorePlugins: readonly PreScorePlugin[];
  readonly scorePlugins: readonly WeightedScorePlugin[];

  constructor(profile: Profile, registry: Registry) {
    this.profileName = profile.schedulerName;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore;
    const seen = new Set<string>();
    const plugins: AnyPlugin[] = [];
    const scores: WeightedScorePlugin[] = [];
    for (const config of profile.plugins) {
      const factory = registry.get(config.name);
      if (factory === undefined) throw new ProfileError(`profile ${profile.schedulerName}: plugin "${config.name}" is not registered`);
      if (seen.has(config.name)) throw new ProfileError(`profile ${profile.schedulerName}: plugin "${config.name}" is enabled twice`);
      seen.add(config.name);
      const plugin = factory(config.args);
      plugins.push(plugin);
      if (typeof plugin.score === 'function') {
        const weight = config.weight ?? 1;
        if (!Number.isInteger(weight) || weight <= 0) throw new ProfileError(`profile ${profile.schedulerName}: plugin "${config.name}" needs a positive integer weight, got ${weight}`);
        scores.push({ plugin: plugin as ScorePlugin, weight });
      }
    }
    this.plugins = plugins;
    this.preFilterPlugins = plugins.filter((p): p is PreFilterPlugin & AnyPlugin => typeof p.preFilter === 'function');
    this.filterPlugins = plugins.filter((p): p is FilterPlugin & AnyPlugin => typeof p.filter === 'function');
    this.postFilterPlugins = plugins.filter((p): p is PostFilterPlugin & AnyPlugin => typeof p.postFilter === 'function');
    this.preScorePlugins = plugins.filter((p): p is PreScorePlugin & AnyPlugin => typeof p.preScore === 'function');
    this.scorePlugins = scores;
  }

  get hasScorePlugins(): boolean {
    return this.scorePlugins.length > 0;
  }

  /** The plugins interested in a cluster event (for moving unschedulable pods). */
  pluginsInterestedIn(event: ClusterEventType): Set<string> {
    const names = new Set<string>();
    for (const p of this.plugins) if (p.eventsToRegister?.().includes(event) === true) names.add(p.name);
    return names;
  }

  /** Runs PreFilter plugins; returns the first status that is neither success nor Skip. */
  runPreFilterPlugins(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | null {
    for (const p of this.preFilterPlugins) {
      const status = p.preFilter(state, pod, snapshot);
      if (status === null) continue;
      if (status.code === Code.Skip) {
        state.skipFilter.add(p.name);
        continue;
      }
      return { ...status, plugin: p.name };
    }
    return null;
  }

  /** Runs Filter plugins in order and stops at the first rejection. */
  runFilterPlugins(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): PluginResult {
    for (const p of this.filterPlugins) {
      if (state.skipFilter.size > 0 && state.skipFilter.has(p.name)) continue;
      const status = p.filter(state, pod, nodeInfo);
      if (status !== null) return status;
    }
    return null;
  }

  /**
   * Filters with the pods nominated to this node (equal or higher priority) counted as if they were
   * there, then without them: a nominated pod may yet not arrive, and affinity to it must not count.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo, snapshot: Snapshot): PluginResult {
    const nominated = snapshot.nominatedPods(nodeInfo.name);
    if (nominated.length > 0) {
      const extra = nominated.filter((p) => p.priority >= pod.priority && p.key !== pod.key);
      if (extra.length > 0) {
        const stateWith = state.clone();
        const nodeWith = nodeInfo.clone();
        for (const p of extra) {
          nodeWith.addPod(p);
          this.runPreFilterExtensionAddPod(stateWith, pod, p, nodeWith, snapshot);
        }
        const status = this.runFilterPlugins(stateWith, pod, nodeWith);
        if (status !== null) return status;
      }
    }
    return this.runFilterPlugins(state, pod, nodeInfo);
  }

  runPreFilterExtensionAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo, snapshot: Snapshot): void {
    for (const p of this.preFilterPlugins) {
      if (!state.skipFilter.has(p.name)) p.preFilterExtensions?.addPod(state, pod, podToAdd, nodeInfo, snapshot);
    }
  }

  runPreFilterExtensionRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo, snapshot: Snapshot): void {
    for (const p of this.preFilterPlugins) {
      if (!state.skipFilter.has(p.name)) p.preFilterExtensions?.removePod(state, pod, podToRemove, nodeInfo, snapshot);
    }
  }

  /** Runs PreScore plugins; a non-success, non-Skip status is an error. */
  runPreScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Status | null {
    for (const p of this.preScorePlugins) {
      const status = p.preScore(state, pod, nodes, snapshot);
      if (status === null) continue;
      if (status.code === Code.Skip) {
        state.skipScore.add(p.name);
        continue;
      }
      return { ...status, plugin: p.name };
    }
    return null;
  }

  /** Scores every node with every plugin, normalizes, weights and sums (RunScorePlugins). */
  runScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Float64Array {
    const totals = new Float64Array(nodes.length);
    const scores = new Float64Array(nodes.length);
    for (const { plugin, weight } of this.scorePlugins) {
      if (state.skipScore.has(plugin.name)) continue;
      for (let i = 0; i < nodes.length; i++) scores[i] = plugin.score(state, pod, nodes[i]!, snapshot);
      plugin.normalizeScore?.(state, pod, nodes, scores);
      for (let i = 0; i < nodes.length; i++) totals[i]! += scores[i]! * weight;
    }
    return totals;
  }
}

/** The framework of the pod's spec.schedulerName (default-scheduler when unset); undefined: not ours. */
export function frameworkForPod(frameworks: ReadonlyMap<string, Framework>, pod: PodInfo): Framework | undefined {
  return frameworks.get(pod.schedulerName);
}

/** One framework per profile, keyed by schedulerName. */
export function createFrameworks(profiles: readonly Profile[], registry: Registry): Map<string, Framework> {
  const frameworks = new Map<string, Framework>();
  for (const profile of profiles) {
    if (frameworks.has(profile.schedulerName)) throw new ProfileError(`duplicate profile for schedulerName "${profile.schedulerName}"`);
    frameworks.set(profile.schedulerName, new Framework(profile, registry));
  }
  return frameworks;
}
