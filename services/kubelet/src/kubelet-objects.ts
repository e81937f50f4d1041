// The objects a kubelet reads besides its pods: ConfigMaps and Secrets (env and volumes),
// PersistentVolumeClaims and PersistentVolumes (claim volumes resolve to their bound PV's path) and
// Services (service env vars, pkg/kubelet/kubelet_pods.go getServiceEnvVarMap). One set of
// informers per kubelet by default; kubelets of one process (hollow nodes) share one set, since
// each copy is a watch on the API server and a full cache of every namespace.
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Secret, Service } from '@skiff/api';
import type { Clock, Random } from '@skiff/core';
import { createInformer, Resources, type ApiClient, type InformerOptions, type KubeObject } from '@skiff/client';
import type { ObjectLookup } from '@skiff/kubelet';

export interface KubeletObjects {
  readonly lookup: ObjectLookup;
  services(): readonly Service[];
  /** Resolves once every informer has listed. */
  whenSynced(): Promise<void>;
}

export interface OwnedKubeletObjects extends KubeletObjects {
  start(): void;
  stop(): void;
}

export interface KubeletObjectsOptions {
  readonly client: ApiClient;
  readonly clock: Clock;
  readonly random: Random;
  readonly inspect?: InformerOptions<never>['inspect'];
  readonly onError?: (what: string, err: unknown) => void;
}

export function createKubeletObjects(opts: KubeletObjectsOptions): OwnedKubeletObjects {
  const base = {
    client: opts.client,
    clock: opts.clock,
    random: opts.random,
    ...(opts.inspect !== undefined ? { inspect: opts.inspect } : {}),
    ...(opts.onError !== undefined ? { onError: opts.onError } : {}),
  };
  const configMaps = createInformer<ConfigMap>({ ...base, resource: Resources.configMaps });
  const secrets = createInformer<Secret>({ ...base, resource: Resources.secrets });
  const services = createInformer<Service>({ ...base, resource: Resources.services });
  const claims = createInformer<PersistentVolumeClaim & KubeObject>({ ...base, resource: { group: '', version: 'v1', resource: 'persistentvolumeclaims' } });
  const volumes = createInformer<PersistentVolume & KubeObject>({ ...base, resource: { group: '', version: 'v1', resource: 'persistentvolumes' } });
  const all = [configMaps, secrets, services, claims, volumes] as const;
  return {
    lookup: {
      configMap: (ns, name) => configMaps.store.getByKey(`${ns}/${name}`),
      secret: (ns, name) => secrets.store.getByKey(`${ns}/${name}`),
      persistentVolumeClaim: (ns, name) => claims.store.getByKey(`${ns}/${name}`),
      persistentVolume: (name) => volumes.store.getByKey(name),
    },
    services: () => services.store.list(),
    whenSynced: async () => {
      await Promise.all(all.map((i) => i.whenSynced()));
    },
    start: () => all.forEach((i) => i.start()),
    stop: () => all.forEach((i) => i.stop()),
  };
}
