import { describe, expect, it } from 'vitest';
import {
  PatchError,
  hasStrategicMergeSchema,
  kindKey,
  listStrategyAt,
  strategicMergePatch,
  strategicMergePatchWithSchema,
  type JsonObject,
  type ObjectSchema,
} from '../src/index.js';

/** The MergeItem test type of Kubernetes' strategicpatch tests, as a schema. */
const mergeItem: ObjectSchema = {
  type: 'object',
  fields: {
    mergingList: { type: 'list', list: 'map', keys: ['name'], mergeKey: 'name', keyDefaults: {} },
    mergingIntList: { type: 'list', list: 'set' },
    retainKeysMergingList: { type: 'list', list: 'map', keys: ['name'], mergeKey: 'name', keyDefaults: {} },
  },
};

const smp = (original: JsonObject, patch: unknown): JsonObject => strategicMergePatchWithSchema(mergeItem, original, patch);

function patchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PatchError);
    return error as PatchError;
  }
  throw new Error('expected a PatchError');
}

describe('strategic merge patch: documented cases of k8s strategicpatch', () => {
  it('merging primitive lists keeps each value once', () => {
    expect(smp({ mergingIntList: [1, 2] }, { mergingIntList: [2, 3] })).toEqual({ mergingIntList: [1, 2, 3] });
  });

  it('$patch: delete on a map leaves it empty', () => {
    expect(smp({ simpleMap: { key1: 1, key2: 1 } }, { simpleMap: { $patch: 'delete' } })).toEqual({ simpleMap: {} });
  });

  it('$patch: replace as a list element empties or replaces the list', () => {
    expect(smp({ mergingList: [{ name: 1 }, { name: 2 }] }, { mergingList: [{ $patch: 'replace' }] })).toEqual({ mergingList: [] });
    expect(smp({ mergingList: [{ name: 1 }] }, { mergingList: [{ name: 5, value: 'x' }, { $patch: 'replace' }] })).toEqual({
      mergingList: [{ name: 5, value: 'x' }],
    });
  });

  it('$patch: replace on a map keeps only the patch', () => {
    expect(smp({ name: 1, value: 1 }, { $patch: 'replace' })).toEqual({});
    expect(smp({ name: 1, value: 1 }, { other: 'a', $patch: 'replace' })).toEqual({ other: 'a' });
  });

  it('$patch: delete elements remove every entry with the key', () => {
    const original = { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: 'a' }, { name: 3 }, { name: 3 }] };
    expect(smp(original, { mergingList: [{ name: 1, $patch: 'delete' }, { name: 3, $patch: 'delete' }] })).toEqual({
      mergingList: [{ name: 2, value: 'a' }],
    });
  });

  it('preserves the order of the patch in a merging list', () => {
    const original = { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] };
    expect(smp(original, { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, other: 'x' }] })).toEqual({
      mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, value: 'b', other: 'x' }],
    });
    expect(smp(original, { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }] })).toEqual({
      mergingList: [{ name: 2, value: 'b' }, { name: 3, value: 'c' }, { name: 1, value: 'a' }],
    });
    expect(smp({ mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1] })).toEqual({ mergingIntList: [2, 3, 1] });
  });

  it('$setElementOrder orders the merged list, and may name items that do not exist', () => {
    expect(
      smp(
        { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }] },
        {
          '$setElementOrder/mergingList': [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }],
          mergingList: [{ name: 4, value: 4 }, { name: 3, value: 3 }],
        },
      ),
    ).toEqual({ mergingList: [{ name: 4, value: 4 }, { name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }, { name: 3, value: 3 }] });
    expect(
      smp({ mergingList: [{ name: 1 }, { name: 3 }] }, {
        '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }],
        mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }],
      }),
    ).toEqual({ mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] });
    expect(smp({ mergingIntList: [1, 3] }, { '$setElementOrder/mergingIntList': [3, 2, 1] })).toEqual({ mergingIntList: [3, 1] });
  });

  it('an order that contradicts the patch list is rejected', () => {
    const error = patchError(() =>
      smp({ mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] }, {
        '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }],
        mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }],
      }),
    );
    expect(error.code).toBe(400);
    expect(error.status.message).toContain("doesn't match $setElementOrder list");
  });

  it('a deletion with a directive for a missing item merges the rest (nested patch merge with empty list)', () => {
    expect(
      smp({ name: 'hi', mergingList: [{ name: 'hello2' }] }, {
        '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }],
        mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }],
      }),
    ).toEqual({ name: 'hi', mergingList: [{ name: 'hello' }, { name: 'hello2' }] });
  });

  it('$deleteFromPrimitiveList removes values and never adds any', () => {
    expect(smp({ mergingIntList: [1, 2, 3] }, { '$deleteFromPrimitiveList/mergingIntList': [2] })).toEqual({ mergingIntList: [1, 3] });
    expect(smp({ mergingIntList: [1, 2] }, { '$deleteFromPrimitiveList/mergingIntList': [3] })).toEqual({ mergingIntList: [1, 2] });
    expect(smp({ foo: ['bar'] }, { '$deleteFromPrimitiveList/mergingIntList': [3] })).toEqual({ foo: ['bar'] });
    expect(
      smp({ mergingIntList: [1, 2, 3, 4] }, {
        '$setElementOrder/mergingIntList': [1, 2, 4],
        '$deleteFromPrimitiveList/mergingIntList': [3],
        mergingIntList: [4],
      }),
    ).toEqual({ mergingIntList: [1, 2, 4] });
  });

  it('$retainKeys clears the keys it does not list', () => {
    expect(smp({ retainKeysMap: { name: 'foo', value: 'a', other: 'b' } }, { retainKeysMap: { $retainKeys: ['name', 'other'], other: 'c' } })).toEqual({
      retainKeysMap: { name: 'foo', other: 'c' },
    });
    expect(smp({ retainKeysMap: { name: 'foo', value: 'a' } }, { retainKeysMap: { value: null } })).toEqual({ retainKeysMap: { name: 'foo' } });
    const error = patchError(() => smp({ m: { a: 1 } }, { m: { $retainKeys: ['a'], b: 2 } }));
    expect(error.status.message).toBe('invalid patch format of retainKeys');
  });

  it('null deletes; unmatched nulls are ignored', () => {
    expect(smp({ name: 1, value: 1, other: 'a' }, { name: null, value: null })).toEqual({ other: 'a' });
    expect(smp({ name: 'a' }, { value: null })).toEqual({ name: 'a' });
  });

  it('lists without a strategy are replaced whole', () => {
    expect(smp({ nonMergingIntList: [1, 2] }, { nonMergingIntList: [2, 3] })).toEqual({ nonMergingIntList: [2, 3] });
  });

  it('a missing merge key and an unknown directive are 400s', () => {
    expect(patchError(() => smp({ mergingList: [{ name: 1, value: 'a' }] }, { mergingList: [{ value: 'b' }] })).status.message).toBe(
      'map: map[value:b] does not contain declared merge key: name',
    );
    expect(patchError(() => smp({}, { a: { $patch: 'explode' } })).status.message).toBe('unknown patch type: explode in map: map[$patch:explode]');
    expect(patchError(() => smp({}, 'x')).status.message).toBe('invalid JSON document');
  });

  it('values added by the patch carry no directives', () => {
    expect(smp({}, { mergingList: [{ name: 1, gone: null }, { name: 2, $patch: 'delete' }], m: { a: null, b: 1 } })).toEqual({
      mergingList: [{ name: 1 }],
      m: { b: 1 },
    });
  });

  it('never modifies its inputs', () => {
    const original = { mergingList: [{ name: 1, value: 'a' }] };
    const patch = { mergingList: [{ name: 1, value: 'b' }, { name: 2 }] };
    const before = JSON.stringify([original, patch]);
    smp(original, patch);
    expect(JSON.stringify([original, patch])).toBe(before);
  });
});

describe('strategic merge patch: what kubectl sends to built-in kinds', () => {
  const deployment: JsonObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }] },
            { name: 'sidecar', image: 'busybox' },
          ],
          tolerations: [{ key: 'a', operator: 'Exists' }],
        },
      },
    },
  };

  it('kubectl apply: image change with $setElementOrder keeps ports and other containers', () => {
    const result = strategicMergePatch('apps/Deployment', deployment, {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
            containers: [{ image: 'nginx:1.28', name: 'web' }],
          },
        },
      },
    });
    const containers = ((result.spec as JsonObject).template as JsonObject).spec as JsonObject;
    expect(containers.containers).toEqual([
      { name: 'web', image: 'nginx:1.28', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'busybox' },
    ]);
  });

  it('env merges by name inside a container merged by name; tolerations are replaced', () => {
    const result = strategicMergePatch({ group: 'apps', kind: 'Deployment' }, deployment, {
      spec: {
        template: {
          spec: {
            containers: [{ name: 'web', env: [{ name: 'B', value: '2' }, { name: 'A', $patch: 'delete' }] }],
            tolerations: [{ key: 'b', operator: 'Exists' }],
          },
        },
      },
    });
    const spec = ((result.spec as JsonObject).template as JsonObject).spec as JsonObject;
    expect((spec.containers as JsonObject[])[0]?.env).toEqual([{ name: 'B', value: '2' }]);
    expect(spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
    expect((spec.containers as JsonObject[]).map((c) => c.name)).toEqual(['web', 'sidecar']);
  });

  it('client-side apply of a ConfigMap (the captured request)', () => {
    const live = { apiVersion: 'v1', kind: 'ConfigMap', data: { k1: 'v1', k2: 'v2' }, metadata: { name: 'applied', labels: { a: '1' } } };
    const result = strategicMergePatch('ConfigMap', live, { data: { k2: null, k3: 'v3' }, metadata: { labels: { a: null, b: '2' } } });
    expect(result.data).toEqual({ k1: 'v1', k3: 'v3' });
    expect((result.metadata as JsonObject).labels).toEqual({ b: '2' });
  });

  it('cordon / uncordon and taints (the whole list, null removes it)', () => {
    const node: JsonObject = { metadata: { name: 'node-1' }, spec: { podCIDR: '10.244.0.0/24', taints: [{ key: 'x', effect: 'NoSchedule' }] } };
    const cordoned = strategicMergePatch('Node', node, { spec: { unschedulable: true } });
    expect(cordoned.spec).toEqual({ podCIDR: '10.244.0.0/24', taints: [{ key: 'x', effect: 'NoSchedule' }], unschedulable: true });
    expect(strategicMergePatch('Node', cordoned, { spec: { unschedulable: null } }).spec).toEqual(node.spec);
    const tainted = strategicMergePatch('Node', node, { spec: { taints: [{ effect: 'NoSchedule', key: 'dedicated', value: 'gpu' }] } });
    expect((tainted.spec as JsonObject).taints).toEqual([{ effect: 'NoSchedule', key: 'dedicated', value: 'gpu' }]);
    expect(strategicMergePatch('Node', tainted, { spec: { taints: null } }).spec).toEqual({ podCIDR: '10.244.0.0/24' });
  });

  it('finalizers merge as a set; ownerReferences by uid', () => {
    const pod: JsonObject = { metadata: { finalizers: ['a'], ownerReferences: [{ uid: '1', name: 'rs' }] } };
    const result = strategicMergePatch('Pod', pod, {
      metadata: { finalizers: ['b', 'a'], ownerReferences: [{ uid: '2', name: 'other' }] },
    });
    expect((result.metadata as JsonObject).finalizers).toEqual(['b', 'a']);
    expect((result.metadata as JsonObject).ownerReferences).toEqual([{ uid: '2', name: 'other' }, { uid: '1', name: 'rs' }]);
    const removed = strategicMergePatch('Pod', result, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } });
    expect((removed.metadata as JsonObject).finalizers).toEqual(['b']);
  });

  it('service ports merge by port, pod conditions by type, container ports by containerPort', () => {
    const svc = strategicMergePatch('Service', { spec: { ports: [{ port: 80, targetPort: 8080 }] } }, { spec: { ports: [{ port: 80, name: 'http' }] } });
    expect((svc.spec as JsonObject).ports).toEqual([{ port: 80, targetPort: 8080, name: 'http' }]);
    const pod = strategicMergePatch(
      'Pod',
      { status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] } },
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    );
    expect((pod.status as JsonObject).conditions).toEqual([{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }]);
  });

  it('the strategy table answers by kind and path', () => {
    expect(kindKey({ group: '', kind: 'Pod' })).toBe('Pod');
    expect(kindKey('core/Pod')).toBe('Pod');
    expect(kindKey({ group: 'apps', kind: 'Deployment' })).toBe('apps/Deployment');
    expect(listStrategyAt('apps/Deployment', ['spec', 'template', 'spec', 'containers'])).toMatchObject({ list: 'map', mergeKey: 'name' });
    expect(listStrategyAt('Pod', ['spec', 'containers', 'ports'])).toMatchObject({ list: 'map', mergeKey: 'containerPort', keys: ['containerPort', 'protocol'] });
    expect(listStrategyAt('Pod', ['spec', 'containers', 'volumeMounts'])).toMatchObject({ mergeKey: 'mountPath' });
    expect(listStrategyAt('Pod', ['spec', 'tolerations'])).toEqual({ type: 'list', list: 'atomic' });
    expect(listStrategyAt('Node', ['spec', 'taints'])).toEqual({ type: 'list', list: 'atomic' });
    expect(listStrategyAt('Pod', ['metadata', 'finalizers'])).toEqual({ type: 'list', list: 'set' });
    expect(listStrategyAt('Service', ['spec', 'ports'])).toMatchObject({ mergeKey: 'port' });
    expect(hasStrategicMergeSchema('apps/Deployment')).toBe(true);
    expect(hasStrategicMergeSchema('example.com/Widget')).toBe(false);
  });
});
