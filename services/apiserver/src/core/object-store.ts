// Objects in the store (Kubernetes' etcd3 store over our Storage port): decoded reads, create,
// and GuaranteedUpdate, the read-modify-CAS loop every update, patch and graceful delete runs:
//
//   read current -> tryUpdate(current) -> CAS on current.modRevision -> done
//        ^                                        | refused: someone wrote in between
//        +---------- retry with what the CAS read -+   (bounded; then 409 Conflict)
//
// A tryUpdate that decides nothing changed writes nothing (the resourceVersion stays), as
// Kubernetes skips no-op writes.

import type { KubeObject, ResourceInfo } from '@skiff/api';
import { decodeObject, encodeObject } from './codec.js';
import { fail } from './errors.js';
import { objectKey } from './keys.js';
import { jsonEqual } from './meta.js';
import { alreadyExists, conflict, notFound, OBJECT_MODIFIED, serviceUnavailable } from './status.js';
import { StorageUnavailableError, type Storage, type StorageKV } from './storage.js';

export type UpdateDecision =
  /** dryRun: compute everything, write nothing (the outcome says 'updated'). */
  | { readonly type: 'put'; readonly object: KubeObject; readonly dryRun?: boolean }
  | { readonly type: 'delete' }
  /** Leave the object as it is and answer with it. */
  | { readonly type: 'keep' };

export type UpdateOutcome =
  | { readonly type: 'updated'; readonly object: KubeObject; readonly previous: KubeObject }
  | { readonly type: 'unchanged'; readonly object: KubeObject }
  /** `object` is the last state before the delete. */
  | { readonly type: 'deleted'; readonly object: KubeObject; readonly revision: number };

/** tryUpdate gets a private copy of the current object (free to mutate and return). */
export type TryUpdate = (current: KubeObject, attempt: number) => UpdateDecision | Promise<UpdateDecision>;

export class ObjectStore {
  constructor(
    private readonly storage: Storage,
    private readonly attemptsMax: number,
  ) {}

  key(info: ResourceInfo, namespace: string | undefined, name: string): string {
    return objectKey(info.group, info.resource, info.namespaced ? namespace : undefined, name);
  }

  /** A linearizable read; undefined when absent. */
  async get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const { kv } = await guard(this.storage.get(this.key(info, namespace, name)));
    return kv === undefined ? undefined : decodeObject(kv.value, kv.modRevision);
  }

  async mustGet(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    const obj = await this.get(info, namespace, name);
    if (obj === undefined) fail(notFound(info, name));
    return obj;
  }

  /** Stores a new object; 409 AlreadyExists when the key is taken. Returns it with its resourceVersion. */
  async create(info: ResourceInfo, obj: KubeObject): Promise<KubeObject> {
    const name = obj.metadata.name as string;
    const r = await guard(this.storage.create(this.key(info, obj.metadata.namespace, name), encodeObject(obj)));
    if (!r.ok) fail(alreadyExists(info, name));
    obj.metadata.resourceVersion = String(r.revision);
    return obj;
  }

  /** Read-modify-CAS until it sticks (see the header). 404 when the object does not exist. */
  async guaranteedUpdate(info: ResourceInfo, namespace: string | undefined, name: string, tryUpdate: TryUpdate): Promise<UpdateOutcome> {
    const key = this.key(info, namespace, name);
    let kv: StorageKV | undefined = (await guard(this.storage.get(key))).kv;
    for (let attempt = 0; attempt < this.attemptsMax; attempt++) {
      if (kv === undefined) fail(notFound(info, name));
      const current = decodeObject(kv.value, kv.modRevision);
      const decision = await tryUpdate(decodeObject(kv.value, kv.modRevision), attempt);
      if (decision.type === 'keep') return { type: 'unchanged', object: current };
      if (decision.type === 'delete') {
        const r = await guard(this.storage.delete(key, kv.modRevision));
        if (r.ok) return { type: 'deleted', object: current, revision: r.revision };
        kv = r.current;
        continue;
      }
      if (sameContent(decision.object, current)) return { type: 'unchanged', object: current };
      if (decision.dryRun === true) return { type: 'updated', object: decision.object, previous: current };
      const r = await guard(this.storage.update(key, encodeObject(decision.object), kv.modRevision));
      if (r.ok) {
        decision.object.metadata.resourceVersion = String(r.revision);
        return { type: 'updated', object: decision.object, previous: current };
      }
      kv = r.current;
    }
    return fail(conflict(info, name, OBJECT_MODIFIED));
  }

  /** Deletes if the object is still at `modRevision`; false when it changed or vanished. */
  async deleteAt(info: ResourceInfo, namespace: string | undefined, name: string, modRevision: number): Promise<{ ok: true; revision: number } | { ok: false }> {
    const r = await guard(this.storage.delete(this.key(info, namespace, name), modRevision));
    return r.ok ? { ok: true, revision: r.revision } : { ok: false };
  }
}

/** Equal stored content: everything but the resourceVersion and the managedFields' timestamps. */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { resourceVersion: _rv, managedFields: mf, ...meta } = o.metadata as Record<string, unknown>;
    const fields = Array.isArray(mf) ? mf.map((e) => ({ ...(e as Record<string, unknown>), time: undefined })) : mf;
    return { ...o, metadata: { ...meta, managedFields: fields } };
  };
  return jsonEqual(strip(a), strip(b));
}

/** Store outages become 503 ServiceUnavailable (the client retries). */
export async function guard<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof StorageUnavailableError) fail(serviceUnavailable(err.message));
    throw err;
  }
}
