// DaemonSet helpers (pkg/controller/daemon/util/daemonset_util.go, daemon_controller.go
// NodeShouldRunDaemonPod): the tolerations every daemon pod gets, the node affinity that pins a
// pod to its node (the scheduler binds it), and whether a node should run the daemon.
import type { Affinity, DaemonSet, Node, Pod, PodSpec, PodTemplateSpec, Toleration } from '@skiff/api';
import { clone } from '../util/equal.js';
import { podMatchesNodeSelectorAndAffinity } from '../util/node-affinity.js';
import { TaintEffect, TaintKeys, findUntoleratedTaint } from '../util/taints.js';

/** apps.DefaultDaemonSetUniqueLabelKey. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/**
 * AddOrUpdateDaemonPodTolerations: daemons survive node problems (NoExecute not-ready and
 * unreachable, without tolerationSeconds: forever) and schedule onto pressured or cordoned nodes.
 */
export function daemonPodTolerations(spec: PodSpec): Toleration[] {
  const wanted: Toleration[] = [
    { key: TaintKeys.NotReady, operator: 'Exists', effect: TaintEffect.NoExecute },
    { key: TaintKeys.Unreachable, operator: 'Exists', effect: TaintEffect.NoExecute },
    { key: TaintKeys.DiskPressure, operator: 'Exists', effect: TaintEffect.NoSchedule },
    { key: TaintKeys.MemoryPressure, operator: 'Exists', effect: TaintEffect.NoSchedule },
    { key: TaintKeys.PIDPressure, operator: 'Exists', effect: TaintEffect.NoSchedule },
    { key: TaintKeys.Unschedulable, operator: 'Exists', effect: TaintEffect.NoSchedule },
  ];
  if (spec.hostNetwork === true) wanted.push({ key: TaintKeys.NetworkUnavailable, operator: 'Exists', effect: TaintEffect.NoSchedule });
  // AddOrUpdateTolerationInPodSpec: an existing toleration with the same key and effect is replaced.
  const out = [...(spec.tolerations ?? [])];
  for (const t of wanted) {
    const i = out.findIndex((o) => (o.key ?? '') === t.key && (o.effect ?? '') === t.effect);
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  return out;
}

/** CreatePodTemplate: the DaemonSet's template with the daemon tolerations and the revision hash label. */
export function daemonPodTemplate(ds: DaemonSet, hash: string): PodTemplateSpec {
  const template = clone(ds.spec?.template ?? {});
  template.spec = { ...(template.spec ?? { containers: [] }) };
  template.spec.tolerations = daemonPodTolerations(template.spec);
  if (hash !== '') template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash } };
  return template;
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: required node affinity becomes metadata.name In [node]. */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  const out: Affinity = clone(affinity ?? {});
  out.nodeAffinity = { ...(out.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } };
  return out;
}

/** GetTargetNodeName: spec.nodeName, or the single node the pinning affinity names. */
export function targetNodeName(pod: Pod): string | undefined {
  if ((pod.spec?.nodeName ?? '') !== '') return pod.spec?.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

export interface ShouldRun {
  /** The daemon should be scheduled here. */
  readonly shouldRun: boolean;
  /** A daemon pod already here may stay (only untolerated NoExecute taints evict). */
  readonly shouldContinueRunning: boolean;
}

/** NodeShouldRunDaemonPod. */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): ShouldRun {
  const templateSpec = ds.spec?.template.spec;
  const spec: PodSpec = { ...(templateSpec ?? { containers: [] }), nodeName: node.metadata.name ?? '' };
  spec.tolerations = daemonPodTolerations(spec);
  const pod: Pod = { metadata: {}, spec };
  const wantNode = templateSpec?.nodeName ?? '';
  if (wantNode !== '' && wantNode !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!podMatchesNodeSelectorAndAffinity(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints;
  const blocking = findUntoleratedTaint(taints, spec.tolerations, (t) => t.effect === TaintEffect.NoExecute || t.effect === TaintEffect.NoSchedule);
  if (blocking === undefined) return { shouldRun: true, shouldContinueRunning: true };
  const evicting = findUntoleratedTaint(taints, spec.tolerations, (t) => t.effect === TaintEffect.NoExecute);
  return { shouldRun: false, shouldContinueRunning: evicting === undefined };
}

/** IsPodUpdated (by hash; Skiff does not keep the deprecated template generation). */
export function isDaemonPodUpdated(pod: Pod, hash: string): boolean {
  return hash !== '' && pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
}
