// Adapter: times every call the core makes to the store, as kube-apiserver's
// `etcd_request_duration_seconds{operation,type}` does (k8s.io/apiserver/pkg/storage/etcd3/metrics),
// `type` being the resource the key belongs to (`/registry/<group>/<resource>/...`).

import { performance } from 'node:perf_hooks';
import type { Storage } from '../core/index.js';

export type StorageObserver = (operation: string, type: string, durationSeconds: number, ok: boolean) => void;

/** The resource of a store key or prefix: `/registry/apps/deployments/ns/x` -> `deployments.apps`. */
export function keyType(key: string): string {
  const [, registry, group, resource] = key.split('/');
  if (registry !== 'registry' || group === undefined || resource === undefined || resource === '') return 'unknown';
  return group === 'core' ? resource : `${resource}.${group}`;
}

export function instrumentStorage(storage: Storage, observe: StorageObserver): Storage {
  const timed = <T>(operation: string, key: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const done = (ok: boolean): void => observe(operation, keyType(key), (performance.now() - started) / 1000, ok);
    return work().then(
      (value) => {
        done(true);
        return value;
      },
      (err: unknown) => {
        done(false);
        throw err;
      },
    );
  };
  return {
    get: (key, opts) => timed('get', key, () => storage.get(key, opts)),
    list: (prefix, opts) => timed('list', prefix, () => storage.list(prefix, opts)),
    create: (key, value) => timed('create', key, () => storage.create(key, value)),
    update: (key, value, rev) => timed('update', key, () => storage.update(key, value, rev)),
    delete: (key, rev) => timed('delete', key, () => storage.delete(key, rev)),
    watch: (prefix, from) => storage.watch(prefix, from),
    currentRevision: () => timed('currentRevision', '', () => storage.currentRevision()),
  };
}
