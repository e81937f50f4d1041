/*
 * The scheduler cache (pkg/scheduler/backend/cache): node infos kept up to date from informer
 * events, plus pods the scheduler has assumed onto nodes before their binding is confirmed, so that
 * the next cycle already counts them.
 *
 * A pod's life in the cache:
 *
 *               assumePod                  addPod (informer sees it bound)
 *   Initial ─────────────> Assumed ─────────────────────────────────────> Added <──┐ updatePod
 *      ^                    │  │ finishBinding: deadline = now + TTL        │  └───┘
 *      └──── forgetPod ─────┘  └──> (deadline passes) Expired ──> removed   │ removePod
 *                                                                           v
 *   Initial ─────────────────────── addPod ──────────────────────────> Added ──> Deleted
 *
 * Invariants:
 * - a pod key is in at most one NodeInfo, the one of its current node (assumed or confirmed);
 * - an assumed pod expires only after finishBinding and then only once its deadline (injected
 *   clock) has passed; a pod confirmed by addPod never expires;
 * - a pod whose node is not known yet is kept on a placeholder NodeInfo that snapshots leave out.
 */
import type { Clock, TimerId } from '@skiff/core';
import { NodeInfo } from '../node-info.js';
import { hasAffinityTerms, podInfoOf, podKey, type PodInfo } from '../pod-info.js';
import { Snapshot } from '../snapshot.js';
import type { Labels, Namespace, Node, Pod, PodDisruptionBudget } from '../types.js';

export class CacheError extends Error {
  override readonly name = 'CacheError';
}

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
  bindingFinished: boolean;
  deadlineMs: number | undefined;
}

export interface SchedulerCacheOptions {
  /** How long an assumed pod whose binding finished waits for its confirmation; 0 = forever. Default 15 min. */
  readonly assumedPodTtlMs?: number;
  /** Period of the expiry sweep when started. Default 1 s (cleanAssumedPeriod). */
  readonly cleanupPeriodMs?: number;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  /** Names of nodes whose Node object is known (others are placeholders holding early pods). */
  private readonly knownNodes = new Set<string>();
  private readonly pods = new Map<string, PodState>();
  private readonly namespaces = new Map<string, Labels>();
  private pdbs: readonly PodDisruptionBudget[] = [];
  private readonly ttlMs: number;
  private readonly cleanupPeriodMs: number;
  private timer: TimerId | undefined;
  private cached: { snapshot: Snapshot; nominated: ReadonlyMap<string, readonly PodInfo[]> | undefined } | undefined;

  constructor(
    private readonly clock: Clock,
    options: SchedulerCacheOptions = {},
    /** Receives the pods the sweep expired (their assumption was never confirmed). */
    private readonly onExpired: (pods: readonly Pod[]) => void = () => {},
  ) {
    this.ttlMs = options.assumedPodTtlMs ?? 15 * 60_000;
    this.cleanupPeriodMs = options.cleanupPeriodMs ?? 1000;
  }

  // ---- nodes

  addNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const existing = this.nodes.get(name);
    if (existing === undefined) this.nodes.set(name, new NodeInfo(node));
    else existing.setNode(node);
    this.knownNodes.add(name);
    this.cached = undefined;
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  removeNode(name: string): void {
    const ni = this.nodes.get(name);
    if (ni === undefined) return;
    this.knownNodes.delete(name);
    // Pods still on it stay accounted until their own deletes arrive.
    if (ni.pods.length === 0) this.nodes.delete(name);
    this.cached = undefined;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.knownNodes.has(name) ? this.nodes.get(name) : undefined;
  }

  get nodeCount(): number {
    return this.knownNodes.size;
  }

  // ---- pods

  /** The scheduler decided on `nodeName` and will bind: count the pod there from now on. */
  assumePod(pod: Pod, nodeName: string): void {
    const key = podKey(pod);
    if (this.pods.has(key)) throw new CacheError(`pod ${key} is in the cache, so can't be assumed`);
    const info = podInfoOf(withNodeName(pod, nodeName));
    this.place(info, nodeName);
    this.pods.set(key, { info, nodeName, assumed: true, bindingFinished: false, deadlineMs: undefined });
  }

  /** The binding call returned: start the assumed pod's expiry clock. */
  finishBinding(pod: Pod): void {
    const state = this.pods.get(podKey(pod));
    if (state === undefined || !state.assumed) return;
    state.bindingFinished = true;
    if (this.ttlMs > 0) state.deadlineMs = this.clock.now() + this.ttlMs;
  }

  /** The binding failed: take the assumed pod back off its node. */
  forgetPod(pod: Pod): void {
    const key = podKey(pod);
    const state = this.pods.get(key);
    if (state === undefined) return;
    if (!state.assumed) throw new CacheError(`pod ${key} was added (not assumed), so can't be forgotten`);
    this.unplace(state);
    this.pods.delete(key);
  }

  isAssumed(pod: Pod): boolean {
    return this.pods.get(podKey(pod))?.assumed === true;
  }

  /** A pod bound to a node, as the informer reports it: confirms an assumption or adds a pod. */
  addPod(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (nodeName === undefined || nodeName === '') return;
    const key = podKey(pod);
    const state = this.pods.get(key);
    if (state !== undefined) this.unplace(state);
    const info = podInfoOf(pod);
    this.place(info, nodeName);
    this.pods.set(key, { info, nodeName, assumed: false, bindingFinished: false, deadlineMs: undefined });
  }

  updatePod(pod: Pod): void {
    this.addPod(pod);
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const state = this.pods.get(key);
    if (state === undefined) return;
    this.unplace(state);
    this.pods.delete(key);
  }

  get podCount(): number {
    return this.pods.size;
  }

  /** Removes assumed pods whose binding finished more than the TTL ago; returns them. */
  cleanupExpiredAssumedPods(): Pod[] {
    const now = this.clock.now();
    const expired: Pod[] = [];
    for (const [key, state] of this.pods) {
      if (!state.assumed || !state.bindingFinished || state.deadlineMs === undefined || now < state.deadlineMs) continue;
      this.unplace(state);
      this.pods.delete(key);
      expired.push(state.info.pod);
    }
    return expired;
  }

  /** Sweeps expired assumptions every cleanupPeriodMs on the injected clock. */
  start(): void {
    if (this.timer !== undefined) return;
    const tick = (): void => {
      const expired = this.cleanupExpiredAssumedPods();
      if (expired.length > 0) this.onExpired(expired);
      this.timer = this.clock.setTimeout(tick, this.cleanupPeriodMs);
    };
    this.timer = this.clock.setTimeout(tick, this.cleanupPeriodMs);
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  // ---- namespaces and budgets (read by inter-pod affinity and preemption)

  setNamespace(ns: Namespace): void {
    this.namespaces.set(ns.metadata?.name ?? '', ns.metadata?.labels ?? {});
  }

  removeNamespace(name: string): void {
    this.namespaces.delete(name);
  }

  setPodDisruptionBudgets(pdbs: readonly PodDisruptionBudget[]): void {
    this.pdbs = pdbs;
    this.cached = undefined;
  }

  /**
   * The snapshot for the next cycle. Node infos are shared, not copied: a cycle runs to completion
   * before the cache changes again (one thread), and preemption clones what it changes.
   */
  snapshot(nominated?: ReadonlyMap<string, readonly PodInfo[]>): Snapshot {
    if (this.cached !== undefined && this.cached.nominated === nominated) return this.cached.snapshot;
    const infos = [...this.nodes.values()].filter((ni) => this.knownNodes.has(ni.name));
    const snapshot = new Snapshot(infos, this.namespaces, this.pdbs, nominated ?? new Map());
    this.cached = { snapshot, nominated };
    return snapshot;
  }

  private place(info: PodInfo, nodeName: string): void {
    let ni = this.nodes.get(nodeName);
    if (ni === undefined) {
      ni = new NodeInfo({ metadata: { name: nodeName } });
      this.nodes.set(nodeName, ni);
    }
    ni.addPod(info);
    if (hasAffinityTerms(info)) this.cached?.snapshot.invalidatePodLists(info);
  }

  private unplace(state: PodState): void {
    const ni = this.nodes.get(state.nodeName);
    if (ni === undefined) return;
    ni.removePod(state.info.key);
    if (hasAffinityTerms(state.info)) this.cached?.snapshot.invalidatePodLists(state.info);
    if (ni.pods.length === 0 && !this.knownNodes.has(state.nodeName)) this.nodes.delete(state.nodeName);
  }
}

function withNodeName(pod: Pod, nodeName: string): Pod {
  return { ...pod, spec: { ...pod.spec, nodeName } };
}
