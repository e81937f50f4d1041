// A fake API for tests: objects in memory, listers over them, and an executor that runs a sync's
// actions by the contract of actions.ts (order, slow-start batches, expectations, events).
import { applyJsonPatch, applyMergePatch, strategicMergePatch, type JsonObject } from '@skiff/apimachinery';
import type { KubeObject, Pod } from '@skiff/api';
import { SeededRandom } from '@skiff/core';
import {
  flattenActions,
  formatTime,
  listerOf,
  lowerExpectation,
  noExpectations,
  raiseExpectations,
  slowStartBatchSizes,
  type Action,
  type EventAction,
  type Expectations,
  type ListerView,
  type ResourceType,
} from '../src/index.js';

export interface ExecuteOptions {
  /** Creates of this resource fail from the n-th one on (0 = all fail). */
  readonly failCreatesOf?: { resource: string; after: number };
}

export interface ExecuteCounts {
  created: number;
  deleted: number;
  updated: number;
  patched: number;
  failed: number;
  /** Sizes of the slow-start groups actually run. */
  batches: number[];
}

const key = (obj: KubeObject): string => `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;

export class FakeCluster {
  nowMs = Date.parse('2024-05-01T10:00:00Z');
  readonly random = new SeededRandom(7);
  expectations: Expectations = noExpectations;
  readonly events: EventAction[] = [];
  private readonly store = new Map<string, Map<string, KubeObject>>();
  private uid = 0;
  private rv = 0;

  private bucket(resource: string): Map<string, KubeObject> {
    let b = this.store.get(resource);
    if (b === undefined) this.store.set(resource, (b = new Map()));
    return b;
  }

  list<T extends KubeObject>(resource: ResourceType | string): T[] {
    const name = typeof resource === 'string' ? resource : resource.resource;
    return [...this.bucket(name).values()] as T[];
  }

  lister<T extends KubeObject>(resource: ResourceType | string): ListerView<T> {
    return listerOf(this.list<T>(resource));
  }

  get<T extends KubeObject>(resource: ResourceType | string, namespace: string, name: string): T | undefined {
    const r = typeof resource === 'string' ? resource : resource.resource;
    return this.bucket(r).get(`${namespace}/${name}`) as T | undefined;
  }

  /** Stores an object as the API server would create it (uid, resourceVersion, timestamps). */
  add<T extends KubeObject>(resource: ResourceType | string, obj: T): T {
    const r = typeof resource === 'string' ? resource : resource.resource;
    const stored = structuredClone(obj);
    stored.metadata.uid ??= `uid-${++this.uid}`;
    stored.metadata.resourceVersion = String(++this.rv);
    stored.metadata.creationTimestamp ??= formatTime(this.nowMs);
    if (stored.metadata.generation === undefined && stored['spec'] !== undefined && r !== 'pods') stored.metadata.generation = 1;
    this.bucket(r).set(key(stored), stored);
    return stored;
  }

  put(resource: ResourceType | string, obj: KubeObject): void {
    const r = typeof resource === 'string' ? resource : resource.resource;
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    this.bucket(r).set(key(stored), stored);
  }

  remove(resource: ResourceType | string, namespace: string, name: string): void {
    const r = typeof resource === 'string' ? resource : resource.resource;
    this.bucket(r).delete(`${namespace}/${name}`);
  }

  /** Runs actions per the executor contract; returns what happened. */
  execute(actions: readonly Action[], options: ExecuteOptions = {}): ExecuteCounts {
    this.expectations = raiseExpectations(this.expectations, actions, this.nowMs);
    const counts: ExecuteCounts = { created: 0, deleted: 0, updated: 0, patched: 0, failed: 0, batches: [] };
    let creates = 0;
    const runOne = (action: Exclude<Action, { type: 'batch' }>): boolean => {
      try {
        if (action.type === 'create' && options.failCreatesOf?.resource === action.resource.resource && creates++ >= options.failCreatesOf.after) {
          throw new Error('quota exceeded');
        }
        this.apply(action, counts);
        if ((action.type === 'create' || action.type === 'delete') && action.successEvent !== undefined) this.events.push(action.successEvent);
        return true;
      } catch (err) {
        counts.failed++;
        this.expectations = lowerExpectation(this.expectations, action);
        if ((action.type === 'create' || action.type === 'delete') && action.failureEvent !== undefined) {
          const f = action.failureEvent;
          this.events.push({ type: 'event', involvedObject: f.involvedObject, eventType: 'Warning', reason: f.reason, message: `${f.messagePrefix}${(err as Error).message}` });
        }
        return false;
      }
    };
    const run = (list: readonly Action[]): boolean => {
      for (let i = 0; i < list.length; i++) {
        const action = list[i]!;
        const ok = action.type === 'batch' ? runBatch(action.mode, action.actions) : runOne(action);
        if (!ok && action.type !== 'event') {
          for (const skipped of flattenActions(list.slice(i + 1))) this.expectations = lowerExpectation(this.expectations, skipped);
          return false;
        }
      }
      return true;
    };
    const runBatch = (mode: 'slowStart' | 'parallel', list: readonly Action[]): boolean => {
      if (mode === 'parallel') return list.map((a) => run([a])).every(Boolean);
      let start = 0;
      for (const size of slowStartBatchSizes(list.length)) {
        counts.batches.push(size);
        const ok = list.slice(start, start + size).map((a) => run([a])).every(Boolean);
        start += size;
        if (!ok) {
          for (const skipped of flattenActions(list.slice(start))) this.expectations = lowerExpectation(this.expectations, skipped);
          return false;
        }
      }
      return true;
    };
    run(actions);
    return counts;
  }

  private apply(action: Exclude<Action, { type: 'batch' }>, counts: ExecuteCounts): void {
    switch (action.type) {
      case 'create': {
        const b = this.bucket(action.resource.resource);
        if (b.has(key(action.object))) throw new Error('already exists');
        const stored = this.add(action.resource, action.object);
        counts.created++;
        if (action.resource.resource === 'pods' || action.resource.resource === 'jobs') this.observe(stored, 'add');
        return;
      }
      case 'delete': {
        const b = this.bucket(action.resource.resource);
        const k = `${action.namespace ?? ''}/${action.name}`;
        const live = b.get(k);
        if (live === undefined) return;
        if (action.preconditions?.uid !== undefined && action.preconditions.uid !== live.metadata.uid) throw new Error('uid precondition failed');
        b.delete(k);
        counts.deleted++;
        if (action.resource.resource === 'pods') this.observe(live, 'delete');
        return;
      }
      case 'update':
      case 'updateStatus': {
        const b = this.bucket(action.resource.resource);
        const live = b.get(key(action.object));
        if (live === undefined) throw new Error('not found');
        if (action.object.metadata.resourceVersion !== live.metadata.resourceVersion) throw new Error('conflict');
        const next = structuredClone(action.object);
        if (action.type === 'updateStatus') next['spec'] = structuredClone(live['spec']);
        else {
          next['status'] = structuredClone(live['status']);
          if (JSON.stringify(next['spec']) !== JSON.stringify(live['spec']) && live.metadata.generation !== undefined) next.metadata.generation = live.metadata.generation + 1;
        }
        this.put(action.resource, next);
        counts.updated++;
        return;
      }
      case 'patch': {
        const b = this.bucket(action.resource.resource);
        const k = `${action.namespace ?? ''}/${action.name}`;
        const live = b.get(k);
        if (live === undefined) throw new Error('not found');
        const patched =
          action.patchType === 'strategic'
            ? strategicMergePatch(action.resource.kind, live as unknown as JsonObject, action.patch)
            : action.patchType === 'merge'
              ? applyMergePatch(live as unknown as JsonObject, action.patch)
              : applyJsonPatch(live as unknown as JsonObject, action.patch);
        this.put(action.resource, patched as unknown as KubeObject);
        counts.patched++;
        return;
      }
      case 'event':
        this.events.push(action);
        return;
    }
  }

  /** The informer's side of expectations: a created or deleted pod lowers its owner's count. */
  private observe(pod: KubeObject, kind: 'add' | 'delete'): void {
    const owner = pod.metadata.ownerReferences?.find((r) => r.controller === true);
    if (owner === undefined) return;
    const ownerKey = `${pod.metadata.namespace ?? ''}/${owner.name}`;
    const exp = this.expectations.get(ownerKey);
    if (exp === undefined) return;
    const next = new Map(this.expectations);
    if (kind === 'add') next.set(ownerKey, { ...exp, add: exp.add - 1 });
    else {
      const podKey = key(pod);
      if (exp.deleteKeys.includes(podKey)) next.set(ownerKey, { ...exp, del: exp.del - 1, deleteKeys: exp.deleteKeys.filter((k) => k !== podKey) });
    }
    this.expectations = next;
  }

  /** The kubelet's part: pods become Running and Ready now (optionally only some). */
  markPodsReady(filter: (pod: Pod) => boolean = () => true, nodeName = 'node-1'): number {
    let n = 0;
    for (const pod of this.list<Pod>('pods')) {
      if (pod.status?.phase === 'Running' || !filter(pod)) continue;
      const next = structuredClone(pod);
      next.spec = { ...(next.spec ?? { containers: [] }), nodeName: next.spec?.nodeName ?? nodeName };
      next.status = {
        phase: 'Running',
        podIP: `10.0.0.${++this.uid % 250}`,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime(this.nowMs) }],
      };
      this.put('pods', next);
      n++;
    }
    return n;
  }

  advance(ms: number): void {
    this.nowMs += ms;
  }
}
