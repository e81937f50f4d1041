// PodTopologySpread, DoNotSchedule constraints (podtopologyspread/filtering.go). PreFilter counts
// matching pods per domain over the eligible nodes; Filter admits a node when
//   matching pods in its domain + (1 if the pod matches its own selector) - global minimum <= maxSkew
// where the global minimum is 0 while fewer than minDomains domains exist. The two smallest domain
// counts ("critical paths") are kept so that the minimum stays O(1) as preemption adds and
// removes pods.
import { labelSelectorMatches } from '@skiff/apimachinery';
import type { StateData } from '../../framework/cycle-state.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo, SpreadConstraint } from '../../pod-info.js';
import type { Snapshot } from '../../snapshot.js';
import { countPodsMatchSelector, matchNodeInclusionPolicies, nodeLabelsMatchSpreadConstraints } from './common.js';

interface CriticalPath {
  value: string | undefined;
  num: number;
}

/** The two domains with the fewest matching pods; paths[0] always holds the minimum. */
export class CriticalPaths {
  constructor(readonly paths: [CriticalPath, CriticalPath] = [{ value: undefined, num: Number.MAX_SAFE_INTEGER }, { value: undefined, num: Number.MAX_SAFE_INTEGER }]) {}

  update(value: string, num: number): void {
    const [p0, p1] = this.paths;
    const i: number = value === p0.value ? 0 : value === p1.value ? 1 : -1;
    if (i >= 0) {
      this.paths[i]!.num = num;
      if (this.paths[0].num > this.paths[1].num) this.paths.reverse();
    } else if (num < p0.num) {
      this.paths[1] = p0;
      this.paths[0] = { value, num };
    } else if (num < p1.num) {
      this.paths[1] = { value, num };
    }
  }

  get min(): number {
    return this.paths[0].num;
  }

  clone(): CriticalPaths {
    return new CriticalPaths([{ ...this.paths[0] }, { ...this.paths[1] }]);
  }
}

export class SpreadFilterState implements StateData {
  constructor(
    readonly constraints: readonly SpreadConstraint[],
    readonly matchNum: Map<string, number>[],
    readonly criticalPaths: CriticalPaths[],
  ) {}

  clone(): SpreadFilterState {
    return new SpreadFilterState(this.constraints, this.matchNum.map((m) => new Map(m)), this.criticalPaths.map((p) => p.clone()));
  }

  /** The global minimum of constraint i, taking minDomains into account. */
  minMatchNum(i: number): number {
    return this.matchNum[i]!.size < this.constraints[i]!.minDomains ? 0 : this.criticalPaths[i]!.min;
  }
}

export function computeFilterState(pod: PodInfo, snapshot: Snapshot, constraints: readonly SpreadConstraint[]): SpreadFilterState {
  const matchNum = constraints.map(() => new Map<string, number>());
  for (const nodeInfo of snapshot.nodeInfoList) {
    if (!nodeLabelsMatchSpreadConstraints(nodeInfo.labels, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!matchNodeInclusionPolicies(c, pod, nodeInfo)) return;
      const value = nodeInfo.labels![c.topologyKey]!;
      const m = matchNum[i]!;
      m.set(value, (m.get(value) ?? 0) + countPodsMatchSelector(nodeInfo.pods, c.selector, pod.namespace));
    });
  }
  const criticalPaths = matchNum.map((m) => {
    const paths = new CriticalPaths();
    for (const [value, num] of m) paths.update(value, num);
    return paths;
  });
  return new SpreadFilterState(constraints, matchNum, criticalPaths);
}

export type SpreadVerdict = 'fits' | 'missingLabel' | 'skewTooLarge';

export function checkSpread(state: SpreadFilterState, pod: PodInfo, nodeInfo: NodeInfo): SpreadVerdict {
  for (let i = 0; i < state.constraints.length; i++) {
    const c = state.constraints[i]!;
    const value = nodeInfo.labels?.[c.topologyKey];
    if (value === undefined) return 'missingLabel';
    const selfMatch = labelSelectorMatches(c.selector, pod.labels) ? 1 : 0;
    const skew = (state.matchNum[i]!.get(value) ?? 0) + selfMatch - state.minMatchNum(i);
    if (skew > c.maxSkew) return 'skewTooLarge';
  }
  return 'fits';
}

/** PreFilter AddPod/RemovePod: one pod arriving (1) or leaving (-1) a node during preemption. */
export function updateWithPod(state: SpreadFilterState, pod: PodInfo, other: PodInfo, nodeInfo: NodeInfo, delta: number): void {
  if (other.namespace !== pod.namespace || !nodeLabelsMatchSpreadConstraints(nodeInfo.labels, state.constraints)) return;
  state.constraints.forEach((c, i) => {
    if (!labelSelectorMatches(c.selector, other.labels) || !matchNodeInclusionPolicies(c, pod, nodeInfo)) return;
    const value = nodeInfo.labels![c.topologyKey]!;
    const m = state.matchNum[i]!;
    const n = (m.get(value) ?? 0) + delta;
    m.set(value, n);
    state.criticalPaths[i]!.update(value, n);
  });
}
