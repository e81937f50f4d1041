// StatefulSet pod identity and storage (pkg/controller/statefulset/stateful_set_utils.go): pod i
// is `<set>-<i>` with hostname `<set>-<i>` and subdomain serviceName, labelled with its name,
// index and revision; claim template t gives pod i the claim `<t>-<set>-<i>`.
import type { KubeObject, Pod, PodTemplateSpec, StatefulSet } from '@skiff/api';
import { apiVersionOf, Resources, type ResourceType } from '../actions.js';
import { newControllerRef, type OwnerReference } from '../util/controller-ref.js';
import { clone } from '../util/equal.js';
import { isPodAvailable, isPodReady } from '../util/pod.js';

export const STATEFUL_SET_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const STATEFUL_SET_REVISION_LABEL = 'controller-revision-hash';

type Volume = NonNullable<NonNullable<Pod['spec']>['volumes']>[number];

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name ?? ''}-${ordinal}`;
}

/** getParentNameAndOrdinal: the ordinal of a pod named `<set>-<n>`, or undefined. */
export function podOrdinal(set: StatefulSet, pod: Pod): number | undefined {
  const prefix = `${set.metadata.name ?? ''}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : undefined;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec?.ordinals?.start ?? 0;
}

export function claimName(set: StatefulSet, templateName: string, ordinal: number): string {
  return `${templateName}-${podName(set, ordinal)}`;
}

/** An owner reference that is not a controller's: the garbage collector deletes the claim with its owner. */
export function ownerRef(owner: KubeObject, ownerResource: ResourceType): OwnerReference {
  return { apiVersion: apiVersionOf(ownerResource), kind: ownerResource.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '' };
}

/**
 * The claims pod `ordinal` needs (getPersistentVolumeClaims): labels from the set's selector;
 * owned by the set when persistentVolumeClaimRetentionPolicy.whenDeleted is Delete.
 */
export function claimsFor(set: StatefulSet, ordinal: number): KubeObject[] {
  const matchLabels = set.spec?.selector.matchLabels ?? {};
  const owned = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => {
    const metadata = clone(t.metadata ?? {});
    const claim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        ...metadata,
        name: claimName(set, metadata.name ?? '', ordinal),
        namespace: set.metadata.namespace ?? '',
        labels: { ...(metadata.labels ?? {}), ...matchLabels },
        ...(owned ? { ownerReferences: [ownerRef(set, Resources.statefulSets)] } : {}),
      },
      spec: clone(t.spec ?? {}),
    };
    return claim as unknown as KubeObject;
  });
}

/**
 * updateStorage: each claim template becomes a volume of the pod. With claims, the volume refers
 * to the claim; without PersistentVolumeClaims served (`withClaims` false) it is an emptyDir, so
 * the template's volume mounts still resolve.
 */
function storageVolumes(set: StatefulSet, ordinal: number, existing: readonly Volume[], withClaims: boolean): Volume[] {
  const templates = set.spec?.volumeClaimTemplates ?? [];
  const names = new Set(templates.map((t) => t.metadata?.name ?? ''));
  const fromClaims: Volume[] = templates.map((t) => {
    const name = t.metadata?.name ?? '';
    return withClaims ? { name, persistentVolumeClaim: { claimName: claimName(set, name, ordinal) } } : { name, emptyDir: {} };
  });
  return [...fromClaims, ...existing.filter((v) => !names.has(v.name))];
}

/** newVersionedStatefulSetPod: the pod for `ordinal` from `template` of revision `revisionName`. */
export function newStatefulSetPod(set: StatefulSet, template: PodTemplateSpec, revisionName: string, ordinal: number, withClaims: boolean): Pod {
  const name = podName(set, ordinal);
  const meta = template.metadata ?? {};
  const spec = clone(template.spec ?? { containers: [] });
  const volumes = storageVolumes(set, ordinal, spec.volumes ?? [], withClaims);
  if (volumes.length > 0) spec.volumes = volumes;
  spec.hostname = name;
  const serviceName = set.spec?.serviceName ?? '';
  if (serviceName !== '') spec.subdomain = serviceName;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace ?? '',
      labels: { ...(meta.labels ?? {}), [STATEFUL_SET_POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [STATEFUL_SET_REVISION_LABEL]: revisionName },
      ownerReferences: [newControllerRef(set, Resources.statefulSets)],
    },
    spec,
  };
  if (meta.annotations !== undefined) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers !== undefined) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

export function podRevision(pod: Pod): string {
  return pod.metadata.labels?.[STATEFUL_SET_REVISION_LABEL] ?? '';
}

export function isTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

export function isFailedOrSucceeded(pod: Pod): boolean {
  return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
}

/** isRunningAndReady, and available for minReadySeconds (isRunningAndAvailable). */
export function isHealthy(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  return pod.status?.phase === 'Running' && !isTerminating(pod) && isPodReady(pod) && isPodAvailable(pod, minReadySeconds, nowMs);
}
