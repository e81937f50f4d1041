// PodInfo (framework.PodInfo): a pod with everything the plugins ask of it computed once: requests,
// host ports, compiled node affinity, affinity terms, spread constraints, images. The scheduler
// evaluates one pod against thousands of nodes, so nothing here is recomputed per node.
import { labelSelectorFromObject, type LabelSelector as Selector } from '@skiff/apimachinery';
import { compileAffinityTerm, compileSelector, compileWeightedTerms, type AffinityTerm, type WeightedAffinityTerm } from './helpers/affinity-term.js';
import { compilePreferredTerms, compileRequiredNodeAffinity, type CompiledPreferredTerm, type RequiredNodeAffinity } from './helpers/node-selector.js';
import { InvalidQuantityError, podRequests, type Resource, emptyResource } from './resources.js';
import type { Labels, Pod, PodAffinityTerm, Toleration } from './types.js';

export interface HostPort {
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: Selector;
  readonly minDomains: number;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  readonly honorNodeAffinity: boolean;
  readonly honorNodeTaints: boolean;
}

export interface PodInfo {
  readonly pod: Pod;
  /** The cache key: the UID, or namespace/name when the pod has none. */
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels | undefined;
  readonly priority: number;
  readonly preemptionPolicy: string;
  readonly schedulerName: string;
  readonly nodeName: string;
  readonly nominatedNodeName: string;
  /** creationTimestamp in ms since the epoch (0 when absent). */
  readonly creationMs: number;
  /** status.startTime in ms; +Infinity when the pod has not started (GetPodStartTime uses now). */
  readonly startMs: number;
  readonly terminating: boolean;
  readonly requests: Resource;
  /** Requests with the scoring defaults (100m CPU, 200Mi) for containers that ask for nothing. */
  readonly nonZeroRequests: Resource;
  readonly hostPorts: readonly HostPort[];
  readonly tolerations: readonly Toleration[];
  readonly requiredNodeAffinity: RequiredNodeAffinity;
  readonly preferredNodeAffinity: readonly CompiledPreferredTerm[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  readonly spreadConstraints: readonly SpreadConstraint[];
  /** Normalized image names of init and app containers, in order. */
  readonly images: readonly string[];
  /** Problems found while compiling (bad quantities, selectors); a pod with any is not scheduled. */
  readonly errors: readonly string[];
}

const cache = new WeakMap<Pod, PodInfo>();

/** The PodInfo of a pod object, memoized per object (objects are treated as immutable). */
export function podInfoOf(pod: Pod): PodInfo {
  let info = cache.get(pod);
  if (info === undefined) {
    info = newPodInfo(pod);
    cache.set(pod, info);
  }
  return info;
}

export function podKey(pod: Pod): string {
  const uid = pod.metadata?.uid;
  if (uid !== undefined && uid !== '') return uid;
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

function newPodInfo(pod: Pod): PodInfo {
  const errors: string[] = [];
  const namespace = pod.metadata?.namespace ?? 'default';
  const affinity = pod.spec?.affinity;
  const required = (terms: readonly PodAffinityTerm[] | undefined): AffinityTerm[] =>
    (terms ?? []).map((t) => compileAffinityTerm(t, namespace, errors));
  return {
    pod,
    key: podKey(pod),
    name: pod.metadata?.name ?? '',
    namespace,
    labels: pod.metadata?.labels,
    priority: pod.spec?.priority ?? 0,
    preemptionPolicy: pod.spec?.preemptionPolicy ?? 'PreemptLowerPriority',
    schedulerName: pod.spec?.schedulerName ?? 'default-scheduler',
    nodeName: pod.spec?.nodeName ?? '',
    nominatedNodeName: pod.status?.nominatedNodeName ?? '',
    creationMs: parseTime(pod.metadata?.creationTimestamp, 0),
    startMs: parseTime(pod.status?.startTime, Number.POSITIVE_INFINITY),
    terminating: pod.metadata?.deletionTimestamp !== undefined,
    requests: safeRequests(pod, false, errors),
    nonZeroRequests: safeRequests(pod, true, errors),
    hostPorts: hostPorts(pod),
    tolerations: pod.spec?.tolerations ?? [],
    requiredNodeAffinity: compileRequiredNodeAffinity(pod, errors),
    preferredNodeAffinity: compilePreferredTerms(pod, errors),
    requiredAffinityTerms: required(affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAntiAffinityTerms: required(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    preferredAffinityTerms: compileWeightedTerms(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, namespace, errors),
    preferredAntiAffinityTerms: compileWeightedTerms(affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, namespace, errors),
    spreadConstraints: spreadConstraints(pod, errors),
    images: [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => normalizedImageName(c.image ?? '')),
    errors,
  };
}

function parseTime(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? fallback : ms;
}

function safeRequests(pod: Pod, nonZero: boolean, errors: string[]): Resource {
  try {
    return podRequests(pod, nonZero);
  } catch (error) {
    if (!(error instanceof InvalidQuantityError)) throw error;
    if (!nonZero) errors.push(error.message);
    return emptyResource();
  }
}

/** Host ports of app containers and sidecars (restartable init containers), as NodePorts reads them. */
function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...sidecars, ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if ((p.hostPort ?? 0) <= 0) continue;
      out.push({ ip: p.hostIP === undefined || p.hostIP === '' ? '0.0.0.0' : p.hostIP, protocol: p.protocol ?? 'TCP', port: p.hostPort! });
    }
  }
  return out;
}

function spreadConstraints(pod: Pod, errors: string[]): SpreadConstraint[] {
  return (pod.spec?.topologySpreadConstraints ?? []).map((c) => ({
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector: c.labelSelector === undefined ? labelSelectorFromObject(undefined) : compileSelector(c.labelSelector, errors),
    minDomains: c.minDomains ?? 1,
    whenUnsatisfiable: c.whenUnsatisfiable === 'ScheduleAnyway' ? 'ScheduleAnyway' : 'DoNotSchedule',
    honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorNodeTaints: c.nodeTaintsPolicy === 'Honor',
  }));
}

/** ImageLocality's normalizedImageName: an image without a tag means ":latest". */
export function normalizedImageName(name: string): string {
  if (name.lastIndexOf(':') <= name.lastIndexOf('/')) return `${name}:latest`;
  return name;
}

export function hasAffinityTerms(p: PodInfo): boolean {
  return (
    p.requiredAffinityTerms.length > 0 ||
    p.requiredAntiAffinityTerms.length > 0 ||
    p.preferredAffinityTerms.length > 0 ||
    p.preferredAntiAffinityTerms.length > 0
  );
}

/** corev1helpers.PodPriority. */
export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}
