import { describe, expect, it } from 'vitest';
import {
  ApiError,
  LAST_APPLIED_ANNOTATION,
  applyPatch,
  managerFromUserAgent,
  trackUpdate,
  type ApplyResult,
  type JsonObject,
  type ManagedFieldsEntry,
} from '../src/index.js';

const T0 = '2026-11-25T12:15:32.123Z';
const T1 = '2026-11-25T12:16:00.000Z';
const T2 = '2026-11-25T12:17:00.000Z';

function applied(result: ApplyResult): JsonObject {
  if (result.type !== 'applied') throw new Error(`expected success, got ${result.status.message}`);
  return result.object;
}

function managed(object: JsonObject): ManagedFieldsEntry[] {
  return ((object.metadata as JsonObject).managedFields ?? []) as unknown as ManagedFieldsEntry[];
}

function entry(object: JsonObject, manager: string): ManagedFieldsEntry | undefined {
  return managed(object).find((e) => e.manager === manager);
}

function deployment(replicas: number, image = 'nginx:1.27', extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }] }] },
      },
      ...extra,
    },
  };
}

const apply = (live: JsonObject | undefined, config: unknown, manager = 'kubectl', force = false, nowIso = T0): ApplyResult =>
  applyPatch(live, config, { manager, force, nowIso, strategyFor: 'apps/Deployment' });

describe('server-side apply: creating and owning', () => {
  it('creates the object and records the applier (the captured ConfigMap case)', () => {
    const config = { apiVersion: 'v1', kind: 'ConfigMap', data: { k1: 'v1', k2: 'v2' }, metadata: { labels: { a: '1' }, name: 'ssa-new', namespace: 'default' } };
    const result = applyPatch(undefined, config, { manager: 'kubectl', force: false, nowIso: T0, strategyFor: 'ConfigMap' });
    const object = applied(result);
    expect(result.type === 'applied' && result.created).toBe(true);
    expect(object.data).toEqual({ k1: 'v1', k2: 'v2' });
    expect(managed(object)).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: '2026-11-25T12:15:32Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:k1': {}, 'f:k2': {} }, 'f:metadata': { 'f:labels': { 'f:a': {} } } },
      },
    ]);
  });

  it('owns keyed list items by key, with defaulted key fields, and atomic selectors whole', () => {
    const object = applied(apply(undefined, deployment(2)));
    expect(entry(object, 'kubectl')?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"web"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
  });

  it('applying the same configuration again changes nothing', () => {
    const first = applied(apply(undefined, deployment(2)));
    const again = apply(first, deployment(2), 'kubectl', false, T1);
    expect(again.type === 'applied' && again.changed).toBe(false);
    expect(entry(applied(again), 'kubectl')?.time).toBe('2026-11-25T12:15:32Z');
  });

  it('rejects configurations Kubernetes rejects', () => {
    const noName = deployment(1);
    ((noName.spec as JsonObject).template as JsonObject).spec = { containers: [{ image: 'x' }] };
    expect(() => apply(undefined, noName)).toThrow(ApiError);
    try {
      apply(undefined, noName);
    } catch (error) {
      expect((error as ApiError).code).toBe(400);
      expect((error as ApiError).message).toBe(
        'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: ' +
          'associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
      );
    }
    const withManaged = { ...deployment(1), metadata: { name: 'web', managedFields: [] } };
    expect(() => apply(undefined, withManaged)).toThrow('metadata.managedFields must be nil');
    expect(() => apply(undefined, { kind: 'Deployment' })).toThrow(ApiError);
  });
});

describe('server-side apply: conflicts', () => {
  const created = applied(apply(undefined, deployment(2)));
  const scaled = trackUpdate(created, deployment(5), { manager: 'kubectl-edit', nowIso: T1, strategyFor: 'apps/Deployment' });

  it('an update moves the changed field to its manager', () => {
    expect(entry(scaled, 'kubectl-edit')).toEqual({
      manager: 'kubectl-edit',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2026-11-25T12:16:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    expect((entry(scaled, 'kubectl')?.fieldsV1 as JsonObject)['f:spec']).not.toHaveProperty('f:replicas');
  });

  it('apply changing a field another manager owns is a conflict, in kubectl’s words', () => {
    const result = apply(scaled, deployment(2), 'kubectl', false, T2);
    expect(result.type).toBe('conflict');
    if (result.type !== 'conflict') return;
    expect(result.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' }] },
      code: 409,
    });
    expect(result.conflicts.map((c) => [c.manager, c.field])).toEqual([['"kubectl-edit" using apps/v1', '.spec.replicas']]);
  });

  it('applying the value the other manager set shares the field instead', () => {
    const shared = applied(apply(scaled, deployment(5), 'kubectl', false, T2));
    expect((entry(shared, 'kubectl-edit')?.fieldsV1 as JsonObject)['f:spec']).toEqual({ 'f:replicas': {} });
    expect(((entry(shared, 'kubectl')?.fieldsV1 as JsonObject)['f:spec'] as JsonObject)['f:replicas']).toEqual({});
  });

  it('force takes the field: the old owner loses it (and its entry when empty)', () => {
    const forced = applied(apply(scaled, deployment(2), 'kubectl', true, T2));
    expect((forced.spec as JsonObject).replicas).toBe(2);
    expect(entry(forced, 'kubectl-edit')).toBeUndefined();
    expect(entry(forced, 'kubectl')?.time).toBe('2026-11-25T12:17:00Z');
  });

  it('lists several conflicts grouped by manager', () => {
    const edited = trackUpdate(scaled, deployment(5, 'nginx:1.28'), { manager: 'kubectl-set', nowIso: T2, strategyFor: 'apps/Deployment' });
    const result = apply(edited, deployment(3, 'nginx:1.29'), 'kubectl', false, T2);
    expect(result.type === 'conflict' && result.status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:\n- .spec.replicas\n' +
        'conflicts with "kubectl-set" using apps/v1:\n- .spec.template.spec.containers[name="web"].image',
    );
  });

  it('an update through the scale subresource names the subresource', () => {
    const viaScale = trackUpdate(created, deployment(4), { manager: managerFromUserAgent('kubectl/v1.32.0 (linux/amd64) kubernetes/abc'), subresource: 'scale', nowIso: T1, strategyFor: 'apps/Deployment' });
    const result = apply(viaScale, deployment(2), 'kubectl', false, T2);
    expect(result.type === 'conflict' && result.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
  });

  it('an object nobody tracked is owned by before-first-apply', () => {
    const { metadata, ...rest } = created;
    const { managedFields: _dropped, ...bareMetadata } = metadata as JsonObject;
    const untracked = { ...rest, metadata: bareMetadata };
    const result = apply(untracked, deployment(7), 'other-tool', false, T1);
    expect(result.type === 'conflict' && result.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
    );
  });
});

describe('server-side apply: pruning what the applier no longer applies', () => {
  it('removes labels and list items only the applier owned', () => {
    const first = applied(
      apply(undefined, {
        ...deployment(1),
        metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'fe' } },
        spec: {
          ...(deployment(1).spec as JsonObject),
          template: { spec: { containers: [{ name: 'web', image: 'a' }, { name: 'sidecar', image: 'b' }] } },
        },
      }),
    );
    const second = applied(apply(first, { ...deployment(1), spec: { ...(deployment(1).spec as JsonObject), template: { spec: { containers: [{ name: 'web', image: 'a' }] } } } }, 'kubectl', false, T1));
    expect((second.metadata as JsonObject).labels).toEqual({ app: 'web' });
    expect((((second.spec as JsonObject).template as JsonObject).spec as JsonObject).containers).toEqual([{ name: 'web', image: 'a' }]);
  });

  it('keeps a dropped field another manager also owns, and only drops the ownership', () => {
    const first = applied(apply(undefined, { ...deployment(1), metadata: { name: 'web', labels: { app: 'web', tier: 'fe' } } }));
    const labelled = trackUpdate(first, { ...first, metadata: { ...(first.metadata as JsonObject), labels: { app: 'web', tier: 'be' } } }, {
      manager: 'kubectl-label',
      nowIso: T1,
      strategyFor: 'apps/Deployment',
    });
    const second = applied(apply(labelled, { ...deployment(1), metadata: { name: 'web', labels: { app: 'web' } } }, 'kubectl', false, T2));
    expect((second.metadata as JsonObject).labels).toEqual({ app: 'web', tier: 'be' });
    expect(entry(second, 'kubectl-label')?.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:tier': {} } } });
  });

  it('removes a whole struct nobody owns anything under any more', () => {
    const withStrategy = deployment(1, 'a', { strategy: { rollingUpdate: { maxSurge: 1 } } });
    const first = applied(apply(undefined, withStrategy));
    const second = applied(apply(first, deployment(1, 'a'), 'kubectl', false, T1));
    expect(second.spec).not.toHaveProperty('strategy');
  });

  it('a null in the configuration unsets the field', () => {
    const first = applied(apply(undefined, deployment(1, 'a', { paused: true })));
    const second = applied(apply(first, deployment(1, 'a', { paused: null }), 'kubectl', false, T1));
    expect(second.spec).not.toHaveProperty('paused');
  });
});

describe('server-side apply after client-side apply (kubectl)', () => {
  const lastApplied = JSON.stringify({ apiVersion: 'v1', data: { k1: 'v1' }, kind: 'ConfigMap', metadata: { annotations: {}, name: 'applied', namespace: 'default' } });
  const csa = trackUpdate(
    undefined,
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'default', annotations: { [LAST_APPLIED_ANNOTATION]: lastApplied } }, data: { k1: 'v1' } },
    { manager: 'kubectl-client-side-apply', nowIso: T0, strategyFor: 'ConfigMap' },
  );
  const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'default' }, data: { k1: 'v1-new' } };

  it('kubectl may take the fields its last-applied annotation describes, and the annotation follows', () => {
    const result = applyPatch(csa, config, { manager: 'kubectl', force: false, nowIso: T1, strategyFor: 'ConfigMap' });
    const object = applied(result);
    expect(object.data).toEqual({ k1: 'v1-new' });
    const annotation = ((object.metadata as JsonObject).annotations as JsonObject)[LAST_APPLIED_ANNOTATION] as string;
    expect(JSON.parse(annotation)).toEqual(config);
  });

  it('another manager gets the ordinary conflict', () => {
    const result = applyPatch(csa, config, { manager: 'helm', force: false, nowIso: T1, strategyFor: 'ConfigMap' });
    expect(result.type === 'conflict' && result.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.k1',
    );
  });
});

describe('trackUpdate', () => {
  it('records a create with "." on maps and list items it introduced', () => {
    const object = trackUpdate(undefined, deployment(2), { manager: 'kubectl-create', nowIso: T0, strategyFor: 'apps/Deployment' });
    const fields = entry(object, 'kubectl-create')?.fieldsV1 as JsonObject;
    expect(fields['f:metadata']).toEqual({ 'f:labels': { '.': {}, 'f:app': {} } });
    const spec = fields['f:spec'] as JsonObject;
    expect(spec['f:selector']).toEqual({});
    const container = ((((spec['f:template'] as JsonObject)['f:spec'] as JsonObject)['f:containers'] as JsonObject)['k:{"name":"web"}']) as JsonObject;
    expect(container).toEqual({
      '.': {},
      'f:image': {},
      'f:name': {},
      'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
    });
  });

  it('a write that changes nothing leaves ownership and times alone', () => {
    const object = trackUpdate(undefined, deployment(2), { manager: 'a', nowIso: T0, strategyFor: 'apps/Deployment' });
    const same = trackUpdate(object, { ...object }, { manager: 'b', nowIso: T1, strategyFor: 'apps/Deployment' });
    expect(managed(same)).toEqual(managed(object));
  });

  it('removing a field takes it from every owner', () => {
    const object = trackUpdate(undefined, deployment(2, 'x', { paused: true }), { manager: 'a', nowIso: T0, strategyFor: 'apps/Deployment' });
    const after = trackUpdate(object, deployment(2, 'x'), { manager: 'b', nowIso: T1, strategyFor: 'apps/Deployment' });
    expect((entry(after, 'a')?.fieldsV1 as JsonObject)['f:spec']).not.toHaveProperty('f:paused');
    expect(entry(after, 'b')).toBeUndefined();
  });

  it('[{}] in the request clears managedFields; a garbled live entry list is reset', () => {
    const object = trackUpdate(undefined, deployment(2), { manager: 'a', nowIso: T0, strategyFor: 'apps/Deployment' });
    const cleared = trackUpdate(object, { ...object, metadata: { ...(object.metadata as JsonObject), managedFields: [{}] } }, { manager: 'b', nowIso: T1, strategyFor: 'apps/Deployment' });
    expect(managed(cleared)).toEqual([]);
    const garbled = { ...object, metadata: { ...(object.metadata as JsonObject), managedFields: [{ manager: 7 }] } };
    const after = trackUpdate(garbled, deployment(3), { manager: 'b', nowIso: T1, strategyFor: 'apps/Deployment' });
    expect(managed(after).map((e) => e.manager)).toEqual(['b']);
  });

  it('keeps at most ten update managers, folding the oldest into ancient-changes', () => {
    let object = trackUpdate(undefined, deployment(0), { manager: 'm0', nowIso: '2026-01-01T00:00:00Z', strategyFor: 'apps/Deployment' });
    for (let i = 1; i <= 12; i++) {
      const labels = { ...((object.metadata as JsonObject).labels as JsonObject), [`l${i}`]: 'x' };
      const next = { ...object, metadata: { ...(object.metadata as JsonObject), labels } };
      object = trackUpdate(object, next, { manager: `m${i}`, nowIso: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`, strategyFor: 'apps/Deployment' });
    }
    const managers = managed(object).map((e) => e.manager);
    expect(managers).toHaveLength(10);
    expect(managers).toContain('ancient-changes');
    expect(managers).toContain('m12');
  });

  it('ignored fields (status on the main resource) are never owned', () => {
    const withStatus = { ...deployment(1), status: { replicas: 1 } };
    const object = trackUpdate(undefined, withStatus, { manager: 'a', nowIso: T0, strategyFor: 'apps/Deployment', ignoredFields: [['status']] });
    expect(entry(object, 'a')?.fieldsV1).not.toHaveProperty('f:status');
    const result = applied(
      applyPatch(object, { ...deployment(1), status: { replicas: 9 } }, { manager: 'kubectl', force: false, nowIso: T1, strategyFor: 'apps/Deployment', ignoredFields: [['status']] }),
    );
    expect(result.status).toEqual({ replicas: 1 });
  });
});
