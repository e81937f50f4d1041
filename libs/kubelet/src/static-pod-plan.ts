// Static pods from sources other than the manifest folder, and the reconcile step every source
// shares (pkg/kubelet/config: http.go, config.go's merge of one source's SET). Pure.
//
// - --manifest-url (http.go): the body is one Pod or a PodList (or a v1 List of Pods), as JSON or
//   YAML; an empty body is "no pods" (Kubernetes sends an empty SET for it). Each pod's UID hashes
//   the manifest, the node and the URL, so a changed pod is a new pod.
// - A source's pods are keyed by namespace/name (after the node suffix); two pods with one key in
//   one answer are an error for the whole answer, so nothing half-applies.
// - planStaticPods: what to start and stop to go from the running set to the wanted set; a pod
//   whose UID (its manifest hash) changed is stopped and started again.
import type { Pod } from '@skiff/api';
import { decodeManifest, staticPodFromObject, StaticPodManifestError, type StaticPodOptions } from './static-pod.js';

export function staticPodKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
}

const LIST_KINDS: readonly unknown[] = ['PodList', 'List'];

/** The pods of a --manifest-url answer, keyed by namespace/name. Throws StaticPodManifestError. */
export function parseManifestList(text: string, source: string, nodeName: string, options: StaticPodOptions = {}): Map<string, Pod> {
  const out = new Map<string, Pod>();
  if (text.trim() === '') return out;
  const obj = decodeManifest(text, source);
  const items = typeof obj === 'object' && obj !== null && LIST_KINDS.includes((obj as Record<string, unknown>)['kind']) ? (obj as Record<string, unknown>)['items'] : [obj];
  if (!Array.isArray(items)) throw new StaticPodManifestError(source, 'items: want a list of Pods');
  items.forEach((item: unknown, i) => {
    const pod = staticPodFromObject(item, items.length === 1 ? source : `${source}#items[${i}]`, nodeName, options);
    const key = staticPodKey(pod);
    if (out.has(key)) throw new StaticPodManifestError(source, `items[${i}]: duplicate pod ${key}`);
    out.set(key, pod);
  });
  return out;
}

export interface StaticPodPlan {
  /** New or changed pods (by key), to start (and mirror). */
  readonly start: readonly { readonly key: string; readonly pod: Pod }[];
  /** Pods gone or replaced, to stop (and unmirror). */
  readonly stop: readonly { readonly key: string; readonly pod: Pod }[];
  /** Unchanged pods: their mirror pods are checked again. */
  readonly keep: readonly { readonly key: string; readonly pod: Pod }[];
}

export function planStaticPods(running: ReadonlyMap<string, Pod>, wanted: ReadonlyMap<string, Pod>): StaticPodPlan {
  const start: { key: string; pod: Pod }[] = [];
  const stop: { key: string; pod: Pod }[] = [];
  const keep: { key: string; pod: Pod }[] = [];
  for (const [key, pod] of running) {
    const next = wanted.get(key);
    if (next === undefined || next.metadata.uid !== pod.metadata.uid) stop.push({ key, pod });
  }
  for (const [key, pod] of wanted) {
    const old = running.get(key);
    if (old === undefined || old.metadata.uid !== pod.metadata.uid) start.push({ key, pod });
    else keep.push({ key, pod: old });
  }
  return { start, stop, keep };
}
