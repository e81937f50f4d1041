// Adapter: static pods given to the kubelet's own HTTP server (POST or PUT /pods with a Pod
// manifest, DELETE /pods/<namespace>/<name>). Each is run as a static pod with config.source
// "kubelet-api" and mirrored in the API like the folder's. Kept in memory only: a restarted
// kubelet has none of them (a manifest meant to outlive the kubelet belongs in the folder).
import type { Pod } from '@skiff/api';
import { KubeletApiError, kubeTime, parseStaticPodManifest, staticPodKey, StaticPodManifestError } from '@skiff/kubelet';
import type { Clock } from '@skiff/actors';
import type { StaticPodSet } from './static-pod-set.js';

export const API_POD_SOURCE = 'kubelet-api';

export class ApiPodSource {
  constructor(
    private readonly set: StaticPodSet,
    private readonly nodeName: string,
    private readonly clock: Clock,
  ) {}

  /** Runs (or replaces) the manifest's pod; answers the pod as it runs and whether it is new. */
  put(text: string): Promise<{ readonly pod: Pod; readonly created: boolean }> {
    let pod: Pod;
    try {
      pod = parseStaticPodManifest(text, API_POD_SOURCE, this.nodeName, { configSource: API_POD_SOURCE, seenTime: kubeTime(this.clock.now()) });
    } catch (err) {
      if (err instanceof StaticPodManifestError) throw new KubeletApiError(400, err.message);
      throw err;
    }
    const key = staticPodKey(pod);
    return this.set.update((running) => {
      const old = running.get(key);
      const wanted = new Map(running);
      const same = old !== undefined && old.metadata.uid === pod.metadata.uid;
      wanted.set(key, same ? old : pod);
      return { wanted, result: { pod: same ? old : pod, created: old === undefined } };
    });
  }

  /** Stops a pod given here; 404 for any other. */
  delete(namespace: string, name: string): Promise<Pod> {
    const key = `${namespace}/${name}`;
    return this.set.update((running) => {
      const old = running.get(key);
      if (old === undefined) throw new KubeletApiError(404, `pod ${key} was not given to this kubelet's API`);
      const wanted = new Map(running);
      wanted.delete(key);
      return { wanted, result: old };
    });
  }
}
