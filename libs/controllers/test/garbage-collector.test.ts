import { describe, expect, it } from 'vitest';
import { applyMergePatch, type JsonObject } from '@skiff/apimachinery';
import type { KubeObject } from '@skiff/api';
import { Resources, planGarbageCollection, type Action, type ResourceType } from '../src/index.js';
import { T0, iso } from './fixtures.js';

const ref = (kind: string, name: string, uid: string, block = true) => ({ apiVersion: kind === 'Deployment' || kind === 'ReplicaSet' ? 'apps/v1' : 'v1', kind, name, uid, controller: true, blockOwnerDeletion: block });
const obj = (name: string, uid: string, owners: ReturnType<typeof ref>[] = [], extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  metadata: { name, namespace: 'default', uid, resourceVersion: '1', ...(owners.length === 0 ? {} : { ownerReferences: owners }), ...extra },
});

/** A tiny API for the GC: deletion policies and finalizers as the apiserver applies them. */
class GcApi {
  readonly store = new Map<string, { resource: ResourceType; object: KubeObject }>();
  add(resource: ResourceType, object: KubeObject): void {
    this.store.set(object.metadata.uid!, { resource, object });
  }
  get(uid: string): KubeObject | undefined {
    return this.store.get(uid)?.object;
  }
  resources() {
    const by = new Map<ResourceType, KubeObject[]>();
    for (const r of [Resources.deployments, Resources.replicaSets, Resources.pods]) by.set(r, []);
    for (const { resource, object } of this.store.values()) by.get(resource)!.push(object);
    return [...by].map(([resource, objects]) => ({ resource, objects }));
  }
  find(name: string): [string, { resource: ResourceType; object: KubeObject }] {
    return [...this.store].find(([, v]) => v.object.metadata.name === name)!;
  }
  apply(actions: readonly Action[]): void {
    for (const a of actions) {
      if (a.type === 'delete') {
        const [uid, entry] = this.find(a.name);
        const policy = a.propagationPolicy ?? 'Background';
        if (policy === 'Background') this.store.delete(uid);
        else entry.object = { ...entry.object, metadata: { ...entry.object.metadata, deletionTimestamp: iso(T0), finalizers: [...(entry.object.metadata.finalizers ?? []), policy === 'Foreground' ? 'foregroundDeletion' : 'orphan'] } };
      } else if (a.type === 'patch') {
        const [uid, entry] = this.find(a.name);
        entry.object = applyMergePatch(entry.object as unknown as JsonObject, a.patch) as unknown as KubeObject;
        if (entry.object.metadata.deletionTimestamp !== undefined && (entry.object.metadata.finalizers ?? []).length === 0) this.store.delete(uid);
      }
    }
  }
  pass(): Action[] {
    const { actions } = planGarbageCollection(this.resources());
    this.apply(actions);
    return actions;
  }
}

describe('garbage collector', () => {
  it('Background: deletes dependents whose owners are gone, asking for a live check of the owner', () => {
    const api = new GcApi();
    api.add(Resources.pods, obj('orphaned', 'p1', [ref('ReplicaSet', 'web-abc', 'rs-gone')]));
    api.add(Resources.pods, obj('foreign-owner', 'p2', [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'w1', controller: true, blockOwnerDeletion: true }]));
    api.add(Resources.pods, obj('plain', 'p3'));
    const { actions } = planGarbageCollection(api.resources());
    expect(actions).toEqual([
      {
        type: 'delete', resource: Resources.pods, namespace: 'default', name: 'orphaned',
        preconditions: { uid: 'p1', resourceVersion: '1' }, propagationPolicy: 'Background',
        requireAbsentOwners: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-gone', namespace: 'default' }],
      },
    ]);
  });

  it('treats a namesake with another uid as gone, and drops only the gone reference when another owner lives', () => {
    const api = new GcApi();
    api.add(Resources.replicaSets, obj('web-abc', 'rs-new'));
    api.add(Resources.pods, obj('stale', 'p1', [ref('ReplicaSet', 'web-abc', 'rs-old')]));
    api.add(Resources.pods, obj('shared', 'p2', [ref('ReplicaSet', 'web-abc', 'rs-new'), ref('ReplicaSet', 'gone', 'rs-gone', false)]));
    const { actions } = planGarbageCollection(api.resources());
    expect(actions.map((a) => [a.type, 'name' in a ? a.name : ''])).toEqual([['delete', 'stale'], ['patch', 'shared']]);
    expect(actions[1]).toMatchObject({ patchType: 'merge', patch: { metadata: { ownerReferences: [ref('ReplicaSet', 'web-abc', 'rs-new')], resourceVersion: '1', uid: 'p2' } } });
  });

  it('Foreground: dependents go first (blocking ones awaited), then each finalizer, bottom up', () => {
    const api = new GcApi();
    api.add(Resources.deployments, obj('web', 'd1', [], { deletionTimestamp: iso(T0), finalizers: ['foregroundDeletion'] }));
    api.add(Resources.replicaSets, obj('web-abc', 'rs1', [ref('Deployment', 'web', 'd1')]));
    api.add(Resources.pods, obj('web-abc-1', 'p1', [ref('ReplicaSet', 'web-abc', 'rs1')]));
    api.add(Resources.pods, obj('web-abc-2', 'p2', [ref('ReplicaSet', 'web-abc', 'rs1')]));
    const first = api.pass();
    // The ReplicaSet has dependents of its own: it is deleted in the foreground too.
    expect(first).toEqual([expect.objectContaining({ type: 'delete', name: 'web-abc', propagationPolicy: 'Foreground' })]);
    expect(api.get('d1')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    const second = api.pass();
    expect(second.map((a) => [a.type, 'name' in a ? a.name : '', a.type === 'delete' ? a.propagationPolicy : ''])).toEqual([
      ['delete', 'web-abc-1', 'Background'],
      ['delete', 'web-abc-2', 'Background'],
    ]);
    const third = api.pass();
    expect(third).toEqual([expect.objectContaining({ type: 'patch', name: 'web-abc', patch: { metadata: { finalizers: [], resourceVersion: '1', uid: 'rs1' } } })]);
    expect(api.get('rs1')).toBeUndefined();
    api.pass();
    expect(api.get('d1')).toBeUndefined();
    expect(api.store.size).toBe(0);
  });

  it('Foreground does not wait for dependents without blockOwnerDeletion', () => {
    const api = new GcApi();
    api.add(Resources.replicaSets, obj('web-abc', 'rs1', [], { deletionTimestamp: iso(T0), finalizers: ['foregroundDeletion'] }));
    api.add(Resources.pods, obj('loose', 'p1', [ref('ReplicaSet', 'web-abc', 'rs1', false)]));
    const actions = api.pass();
    expect(actions.map((a) => a.type)).toEqual(['patch', 'delete']);
    expect(api.store.size).toBe(0);
  });

  it('Orphan: removes the owner from its dependents, then the orphan finalizer; dependents stay', () => {
    const api = new GcApi();
    api.add(Resources.replicaSets, obj('web-abc', 'rs1', [], { deletionTimestamp: iso(T0), finalizers: ['orphan'] }));
    api.add(Resources.pods, obj('p-1', 'p1', [ref('ReplicaSet', 'web-abc', 'rs1')]));
    api.add(Resources.pods, obj('p-2', 'p2', [ref('ReplicaSet', 'web-abc', 'rs1'), ref('Deployment', 'keep', 'd9', false)]));
    api.add(Resources.deployments, obj('keep', 'd9'));
    const actions = api.pass();
    expect(actions.map((a) => [a.type, 'name' in a ? a.name : ''])).toEqual([['patch', 'p-1'], ['patch', 'p-2'], ['patch', 'web-abc']]);
    expect(api.get('rs1')).toBeUndefined();
    expect(api.get('p1')?.metadata.ownerReferences).toEqual([]);
    expect(api.get('p2')?.metadata.ownerReferences).toEqual([ref('Deployment', 'keep', 'd9', false)]);
    expect(api.pass()).toEqual([]);
  });

  it('a namespaced owner in another namespace does not count', () => {
    const api = new GcApi();
    api.add(Resources.replicaSets, { metadata: { name: 'web-abc', namespace: 'other', uid: 'rs1' } });
    api.add(Resources.pods, obj('p', 'p1', [ref('ReplicaSet', 'web-abc', 'rs1')]));
    expect(planGarbageCollection(api.resources()).actions).toEqual([expect.objectContaining({ type: 'delete', name: 'p' })]);
  });
});
