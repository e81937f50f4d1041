// Adapter: runs a sync's actions through the API client, following the execution contract of
// @skiff/controllers' actions.ts: in order; the first failure ends the sync (the key is requeued
// with back-off by the loop); events are best effort; `slowStart` batches run in groups 1, 2, 4,
// ... and stop after the first group with a failure; every tagged action that failed or was
// skipped is reported through `lower` (no informer event will ever observe it).

import { ApiStatusError, type ApiClient, type EventRecorder, type KubeObject } from '@skiff/client';
import { flattenActions, isSameOwner, Resources as ControllerResources, slowStartBatchSizes, type Action, type BatchAction, type FailureEvent, type ObjectReference, type ResourceType } from '@skiff/controllers';

export interface ExecutorDeps {
  readonly client: ApiClient;
  readonly recorder: EventRecorder;
  /** An expectation-tagged action that failed or was skipped. */
  readonly lower: (action: Action) => void;
}

type Single = Exclude<Action, BatchAction>;

/** Runs every action; rejects with the first failure, after lowering what will never be observed. */
export async function executeActions(deps: ExecutorDeps, actions: readonly Action[]): Promise<void> {
  for (let i = 0; i < actions.length; i++) {
    const action = actions[i]!;
    try {
      await executeOne(deps, action);
    } catch (err) {
      for (const skipped of flattenActions(actions.slice(i + 1))) deps.lower(skipped);
      throw err;
    }
  }
}

async function executeOne(deps: ExecutorDeps, action: Action): Promise<void> {
  if (action.type === 'batch') return executeBatch(deps, action);
  try {
    await call(deps, action);
  } catch (err) {
    deps.lower(action);
    throw err;
  }
}

async function executeBatch(deps: ExecutorDeps, batch: BatchAction): Promise<void> {
  const sizes = batch.mode === 'slowStart' ? slowStartBatchSizes(batch.actions.length) : [batch.actions.length];
  let start = 0;
  for (const size of sizes) {
    const group = batch.actions.slice(start, start + size);
    start += size;
    const results = await Promise.allSettled(group.map((a) => executeOne(deps, a)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) {
      for (const skipped of flattenActions(batch.actions.slice(start))) deps.lower(skipped);
      throw failed.reason;
    }
  }
}

const RESOURCE_BY_KIND = new Map<string, ResourceType>(Object.values(ControllerResources).map((r) => [`${r.group}/${r.kind}`, r]));

/**
 * The garbage collector's live check (isDangling): true when every owner it found gone in its
 * cache is gone for real (not found, or found with another uid).
 */
async function ownersAbsent(client: ApiClient, owners: readonly ObjectReference[], namespace: string | undefined): Promise<boolean> {
  for (const ref of owners) {
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
    const resource = RESOURCE_BY_KIND.get(`${group}/${ref.kind}`);
    if (resource === undefined) return false;
    const found = await client
      .get(resource, ref.name, resource.namespaced ? scope(ref.namespace ?? namespace) : {})
      .catch((err: unknown) => {
        if (err instanceof ApiStatusError && err.code === 404) return undefined;
        throw err;
      });
    if (isSameOwner(ref, found)) return false;
  }
  return true;
}

async function call(deps: ExecutorDeps, action: Single): Promise<void> {
  const { client, recorder } = deps;
  // An owner the cache thought gone still exists: skip (the next pass sees the fresher cache).
  if ((action.type === 'delete' || action.type === 'patch') && action.requireAbsentOwners !== undefined && !(await ownersAbsent(client, action.requireAbsentOwners, action.namespace))) return;
  switch (action.type) {
    case 'event':
      void recorder.event(action.involvedObject as unknown as KubeObject, action.eventType, action.reason, action.message);
      return;
    case 'create':
      try {
        await client.create(action.resource, action.object as unknown as KubeObject, scope(action.namespace));
      } catch (err) {
        recordFailure(recorder, action.failureEvent, err);
        throw err;
      }
      if (action.successEvent !== undefined) await call(deps, action.successEvent);
      return;
    case 'delete':
      try {
        await client.delete(action.resource, action.name, {
          ...scope(action.namespace),
          ...(action.preconditions === undefined ? {} : { preconditions: action.preconditions }),
          ...(action.propagationPolicy === undefined ? {} : { propagationPolicy: action.propagationPolicy }),
        });
      } catch (err) {
        // A delete answered 404 counts as done (Kubernetes' controllers do the same).
        if (!(err instanceof ApiStatusError && err.code === 404)) {
          recordFailure(recorder, action.failureEvent, err);
          throw err;
        }
      }
      if (action.successEvent !== undefined) await call(deps, action.successEvent);
      return;
    case 'update':
      // The client has no update on a subresource; the controllers in use here never ask for one.
      await client.update(action.resource, action.object as unknown as KubeObject);
      return;
    case 'updateStatus':
      await client.updateStatus(action.resource, action.object as unknown as KubeObject);
      return;
    case 'patch': {
      const opts = scope(action.namespace);
      if (action.subresource === 'status') await client.patchStatus(action.resource, action.name, action.patchType, action.patch, opts);
      else await client.patch(action.resource, action.name, action.patchType, action.patch, { ...opts, ...(action.subresource === undefined ? {} : { subresource: action.subresource }) });
      return;
    }
  }
}

function scope(namespace: string | undefined): { namespace?: string } {
  return namespace === undefined || namespace === '' ? {} : { namespace };
}

function recordFailure(recorder: EventRecorder, failure: FailureEvent | undefined, err: unknown): void {
  if (failure === undefined) return;
  const message = err instanceof Error ? err.message : String(err);
  void recorder.event(failure.involvedObject as unknown as KubeObject, 'Warning', failure.reason, `${failure.messagePrefix}${message}`);
}
