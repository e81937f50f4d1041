// The extension points (k8s.io/kube-scheduler/framework/interface.go), each a small interface a
// plugin implements if it cares about that point. Every method is pure: it reads the pod, the
// cycle state and the snapshot, and answers with data.
import type { Random } from '@skiff/core';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import type { Snapshot } from '../snapshot.js';
import type { Pod } from '../types.js';
import type { CycleState } from './cycle-state.js';
import type { Diagnosis } from './diagnosis.js';
import type { PluginResult } from './status.js';

/** The score range every normalized score lands in (framework.MaxNodeScore). */
export const MAX_NODE_SCORE = 100;

export interface Plugin {
  readonly name: string;
}

/** Cluster events a plugin's rejection can be undone by (EnqueueExtensions, simplified). */
export const ClusterEventType = {
  NodeAdd: 'NodeAdd',
  NodeUpdate: 'NodeUpdate',
  PodDelete: 'AssignedPodDelete',
  PodAdd: 'AssignedPodAdd',
  PodUpdate: 'AssignedPodUpdate',
  NamespaceChange: 'NamespaceChange',
} as const;
export type ClusterEventType = (typeof ClusterEventType)[keyof typeof ClusterEventType];

export interface EnqueueExtensions {
  eventsToRegister(): readonly ClusterEventType[];
}

/** Updates PreFilter state when preemption adds or removes a pod on a node during a dry run. */
export interface PreFilterExtensions {
  addPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo, snapshot: Snapshot): void;
  removePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo, snapshot: Snapshot): void;
}

export interface PreFilterPlugin extends Plugin {
  /** Null to go on; Skip to skip this plugin's Filter; a rejection fails the pod on every node. */
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): PluginResult;
  readonly preFilterExtensions?: PreFilterExtensions;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): PluginResult;
}

export interface PreScorePlugin extends Plugin {
  /** `nodes` are the feasible nodes; Skip skips this plugin's Score. */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): PluginResult;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo, snapshot: Snapshot): number;
  /** Rescales `scores` (parallel to `nodes`) in place to [0, MAX_NODE_SCORE]. */
  normalizeScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], scores: Float64Array): void;
}

/** What a PostFilter (preemption) proposes for a pod that fits nowhere. */
export type PostFilterResult =
  | { readonly type: 'nominated'; readonly nominatedNodeName: string; readonly victims: readonly Pod[]; readonly lowerPriorityNominatedPods: readonly Pod[] }
  | { readonly type: 'failed'; readonly message: string; readonly clearNomination: boolean };

/** The parts of the framework a PostFilter uses to dry-run filters on changed nodes. */
export interface FrameworkHandle {
  readonly profileName: string;
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo, snapshot: Snapshot): PluginResult;
  runPreFilterExtensionAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo, snapshot: Snapshot): void;
  runPreFilterExtensionRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo, snapshot: Snapshot): void;
}

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot, diagnosis: Diagnosis, handle: FrameworkHandle, random: Random): PostFilterResult;
}

export type AnyPlugin = Plugin &
  Partial<PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & PostFilterPlugin & EnqueueExtensions>;
