// DaemonSet history (pkg/controller/daemon/update.go constructHistory, cleanupHistory): one
// ControllerRevision per template, named `<ds>-<hash>`, labelled with the hash the pods carry;
// the current one has the highest revision (a rollback raises an old one), and old ones not used
// by any pod are deleted beyond revisionHistoryLimit.
import { computeTemplateHash, type JsonValue } from '@skiff/apimachinery';
import type { ControllerRevision, DaemonSet, Pod } from '@skiff/api';
import { Resources, type Action } from '../actions.js';
import { claimActions, claimObjects, newControllerRef } from '../util/controller-ref.js';
import { deepEqual } from '../util/equal.js';
import { matchesSelector, selectorOf } from '../util/selector.js';
import { CONTROLLER_REVISION_HASH_LABEL } from './daemon-set-util.js';

export interface DaemonSetHistory {
  readonly hash: string;
  readonly old: ControllerRevision[];
  /** A hash collision was found: collisionCount must be raised and the sync retried. */
  readonly collision: boolean;
}

/** getPatch: the part of the DaemonSet a revision snapshots. */
export function daemonSetPatch(ds: DaemonSet): JsonValue {
  return { spec: { template: { ...(ds.spec?.template as unknown as Record<string, JsonValue>), $patch: 'replace' } } };
}

export function constructHistory(ds: DaemonSet, revisions: readonly ControllerRevision[], actions: Action[]): DaemonSetHistory {
  const selector = selectorOf(ds.spec?.selector);
  const claim = claimObjects(ds, revisions, (r) => matchesSelector(selector, r.metadata.labels));
  actions.push(...claimActions(claim, Resources.controllerRevisions, ds, Resources.daemonSets));
  const histories = claim.claimed;
  const patch = daemonSetPatch(ds);
  // dedupCurHistories: keep the highest matching revision, delete the other matches.
  const matching = histories.filter((h) => deepEqual(h.data, patch)).sort((a, b) => b.revision - a.revision);
  const old = histories.filter((h) => !matching.includes(h));
  const currentRevision = old.reduce((m, h) => Math.max(m, h.revision), 0) + 1;
  for (const dup of matching.slice(1)) actions.push({ type: 'delete', resource: Resources.controllerRevisions, namespace: dup.metadata.namespace ?? '', name: dup.metadata.name ?? '' });
  let cur = matching[0];
  if (cur === undefined) {
    const hash = computeTemplateHash(ds.spec?.template as unknown as JsonValue, ds.status?.collisionCount);
    const name = `${ds.metadata.name ?? ''}-${hash}`;
    if (revisions.some((r) => r.metadata.name === name)) return { hash, old: [], collision: true };
    cur = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace: ds.metadata.namespace ?? '',
        labels: { ...(ds.spec?.template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
        ownerReferences: [newControllerRef(ds, Resources.daemonSets)],
      },
      data: patch,
      revision: currentRevision,
    };
    actions.push({ type: 'create', resource: Resources.controllerRevisions, namespace: ds.metadata.namespace ?? '', object: cur });
  } else if (cur.revision < currentRevision) {
    actions.push({ type: 'update', resource: Resources.controllerRevisions, object: { ...cur, revision: currentRevision } });
  }
  return { hash: cur.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '', old, collision: false };
}

export function cleanupHistory(ds: DaemonSet, old: readonly ControllerRevision[], pods: readonly Pod[], actions: Action[]): void {
  const toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return;
  const live = new Set(pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]).filter((h) => h !== undefined && h !== ''));
  let left = toKill;
  for (const h of [...old].sort((a, b) => a.revision - b.revision)) {
    if (left <= 0) break;
    if (live.has(h.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL])) continue;
    actions.push({ type: 'delete', resource: Resources.controllerRevisions, namespace: h.metadata.namespace ?? '', name: h.metadata.name ?? '' });
    left--;
  }
}
