// StatefulSet history (stateful_set_control.go getStatefulSetRevisions, truncateHistory): one
// ControllerRevision per template, named `<set>-<hash>`, carrying the set's annotations (so
// `kubectl rollout history` shows change causes); the update revision has the highest number (a
// rollback to an old template raises that revision), the current one is status.currentRevision.
import { computeTemplateHash, type JsonValue } from '@skiff/apimachinery';
import type { ControllerRevision, Pod, PodTemplateSpec, StatefulSet } from '@skiff/api';
import { Resources, type Action } from '../actions.js';
import { claimActions, claimObjects, newControllerRef } from '../util/controller-ref.js';
import { deepEqual } from '../util/equal.js';
import { matchesSelector, selectorOf } from '../util/selector.js';
import { podRevision, STATEFUL_SET_REVISION_LABEL } from './stateful-set-util.js';

export interface StatefulSetRevisions {
  readonly current: ControllerRevision;
  readonly update: ControllerRevision;
  /** Revisions other than these two, oldest first. */
  readonly old: ControllerRevision[];
  /** A hash collision was found: collisionCount must be raised and the sync retried. */
  readonly collision: boolean;
}

/** getPatch: the part of the set a revision snapshots (its template, replaced whole on rollback). */
export function statefulSetPatch(set: StatefulSet): JsonValue {
  return { spec: { template: { ...(set.spec?.template as unknown as Record<string, JsonValue>), $patch: 'replace' } } };
}

/** ApplyRevision: the template a revision recorded. */
export function revisionTemplate(revision: ControllerRevision): PodTemplateSpec {
  const data = revision.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined;
  const { $patch: _replace, ...template } = data?.spec?.template ?? {};
  return template;
}

function newRevision(set: StatefulSet, hash: string, number: number): ControllerRevision {
  const revision: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${set.metadata.name ?? ''}-${hash}`,
      namespace: set.metadata.namespace ?? '',
      labels: { ...(set.spec?.template.metadata?.labels ?? {}), [STATEFUL_SET_REVISION_LABEL]: hash },
      ownerReferences: [newControllerRef(set, Resources.statefulSets)],
    },
    data: statefulSetPatch(set),
    revision: number,
  };
  if (set.metadata.annotations !== undefined) revision.metadata.annotations = { ...set.metadata.annotations };
  return revision;
}

export function statefulSetRevisions(set: StatefulSet, revisions: readonly ControllerRevision[], actions: Action[]): StatefulSetRevisions {
  const selector = selectorOf(set.spec?.selector);
  const claim = claimObjects(set, revisions, (r) => matchesSelector(selector, r.metadata.labels));
  actions.push(...claimActions(claim, Resources.controllerRevisions, set, Resources.statefulSets));
  const history = [...claim.claimed].sort((a, b) => a.revision - b.revision);
  const patch = statefulSetPatch(set);
  const latest = history.reduce((m, h) => Math.max(m, h.revision), 0);
  const equal = history.filter((h) => deepEqual(h.data, patch));
  let update = equal[equal.length - 1];
  if (update === undefined) {
    const hash = computeTemplateHash(set.spec?.template as unknown as JsonValue, set.status?.collisionCount);
    const created = newRevision(set, hash, latest + 1);
    if (revisions.some((r) => r.metadata.name === created.metadata.name)) return { current: created, update: created, old: [], collision: true };
    actions.push({ type: 'create', resource: Resources.controllerRevisions, namespace: set.metadata.namespace ?? '', object: created });
    update = created;
  } else if (update.revision < latest) {
    // A rollback: the equivalent old revision becomes the newest.
    update = { ...update, revision: latest + 1 };
    actions.push({ type: 'update', resource: Resources.controllerRevisions, object: update });
  }
  const updateName = update.metadata.name;
  const current = history.find((h) => h.metadata.name === set.status?.currentRevision && h.metadata.name !== updateName) ?? update;
  const old = history.filter((h) => h.metadata.name !== updateName && h.metadata.name !== current.metadata.name);
  return { current, update, old, collision: false };
}

/** truncateHistory: delete the oldest revisions no pod uses beyond revisionHistoryLimit. */
export function truncateHistory(set: StatefulSet, old: readonly ControllerRevision[], pods: readonly Pod[], actions: Action[]): void {
  const live = new Set(pods.map(podRevision));
  const unused = old.filter((h) => !live.has(h.metadata.name ?? ''));
  const excess = unused.length - (set.spec?.revisionHistoryLimit ?? 10);
  for (const h of unused.slice(0, Math.max(0, excess))) {
    actions.push({ type: 'delete', resource: Resources.controllerRevisions, namespace: h.metadata.namespace ?? '', name: h.metadata.name ?? '' });
  }
}
