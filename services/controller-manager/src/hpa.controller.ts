// Adapter: the `horizontalpodautoscaling` controller (kube-controller-manager's podautoscaler).
// Keyed by HPA; an HPA is synced when it appears or its spec changes, then every sync period
// (--horizontal-pod-autoscaler-sync-period; Kubernetes requeues each HPA with that delay rather
// than reacting to every status write). One sync: GET the target's scale subresource, list the
// target's PodMetrics (metrics.k8s.io) through the MetricsClient port, run the pure sync
// (@skiff/controllers syncHorizontalPodAutoscaler) with what this controller remembers of the HPA
// (recommendations and scale events), then act: patch .../scale, update .../status, Events.

import { ApiStatusError, createEventRecorder, Resources, type ApiClient, type DeletedFinalStateUnknown, type KubeObject, type SharedInformerFactory } from '@skiff/client';
import type { HorizontalPodAutoscaler, Pod } from '@skiff/api';
import {
  defaultReplicaCalculatorConfig,
  DOWNSCALE_STABILIZATION_SECONDS,
  emptyHpaState,
  HPA_SYNC_PERIOD_MS,
  objectKey,
  podMetricsFromList,
  scaleTargetResource,
  selectorObjectFromString,
  splitKey,
  syncHorizontalPodAutoscaler,
  type HpaState,
  type ListerView,
  type PodMetrics,
  type PodMetricsObject,
  type ReplicaCalculatorConfig,
  type ScaleTarget,
  type SyncResult,
} from '@skiff/controllers';
import { createController, type ControllerDeps, type RunningControllerHandle } from './controller-runner.js';

/** The port the HPA reads resource usage through (Kubernetes' resource metrics client). */
export interface MetricsClient {
  /** Usage samples of the pods of `namespace` matching `labelSelector` (a label selector string), by pod name. */
  podMetrics(namespace: string, labelSelector: string): Promise<PodMetrics>;
}

/** The MetricsClient over the API: `GET /apis/metrics.k8s.io/v1beta1/namespaces/<ns>/pods?labelSelector=`. */
export function apiMetricsClient(client: ApiClient): MetricsClient {
  return {
    async podMetrics(namespace, labelSelector) {
      const list = await client.list<KubeObject & PodMetricsObject>(Resources.podMetrics, { namespace, labelSelector });
      return podMetricsFromList(list.items);
    },
  };
}

export interface HpaControllerOptions {
  /** --horizontal-pod-autoscaler-sync-period. Default 15 s. */
  readonly syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization. Default 5 min. */
  readonly downscaleStabilizationMs?: number;
  /** --horizontal-pod-autoscaler-tolerance. Default 0.1. */
  readonly tolerance?: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period. Default 5 min. */
  readonly cpuInitializationPeriodMs?: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay. Default 30 s. */
  readonly initialReadinessDelayMs?: number;
  /** Default: apiMetricsClient over the controller-manager's client. */
  readonly metrics?: MetricsClient;
}

type Tombstone<T> = T | DeletedFinalStateUnknown<T>;
const unwrap = <T>(o: Tombstone<T>): T => ((o as { type?: unknown }).type === 'DeletedFinalStateUnknown' ? (o as DeletedFinalStateUnknown<T>).obj : (o as T));

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface ScaleRead {
  readonly scale: ScaleTarget | { readonly error: string };
  /** status.selector as the Scale says it: the metrics list asks for exactly these pods. */
  readonly selectorText: string;
}

/** GET <target>/scale as the pure sync's ScaleTarget, or why it could not be read. */
async function readScale(client: ApiClient, hpa: HorizontalPodAutoscaler, namespace: string): Promise<ScaleRead> {
  const ref = hpa.spec?.scaleTargetRef;
  const resource = ref === undefined ? undefined : scaleTargetResource(ref.kind);
  if (ref === undefined || resource === undefined) return { scale: { error: `unrecognized resource kind ${ref?.kind ?? ''}` }, selectorText: '' };
  try {
    const scale = await client.get<KubeObject & { spec?: { replicas?: number }; status?: { selector?: string } }>(resource, ref.name, { namespace, subresource: 'scale' });
    const selectorText = scale.status?.selector ?? '';
    return { scale: { resource, name: ref.name, replicas: scale.spec?.replicas ?? 0, selector: selectorObjectFromString(selectorText) }, selectorText };
  } catch (err) {
    const error = err instanceof ApiStatusError && err.code === 404 ? `${resource.resource}.${resource.group} "${ref.name}" not found` : messageOf(err);
    return { scale: { error }, selectorText: '' };
  }
}

/** The target's PodMetrics, or why they could not be read. */
async function readMetrics(metrics: MetricsClient, read: ScaleRead, namespace: string): Promise<PodMetrics | { error: string }> {
  if ('error' in read.scale || read.scale.selector === undefined) return new Map();
  try {
    return await metrics.podMetrics(namespace, read.selectorText);
  } catch (err) {
    return { error: messageOf(err) };
  }
}

export function hpaController(factory: SharedInformerFactory, deps: ControllerDeps, opts: HpaControllerOptions = {}): RunningControllerHandle {
  const clock = deps.host.clock;
  const metrics = opts.metrics ?? apiMetricsClient(deps.client);
  const syncPeriodMs = opts.syncPeriodMs ?? HPA_SYNC_PERIOD_MS;
  if (!(syncPeriodMs > 0)) throw new RangeError(`horizontal-pod-autoscaler-sync-period must be > 0, got ${syncPeriodMs} ms`);
  if (opts.tolerance !== undefined && !(opts.tolerance >= 0)) throw new RangeError(`horizontal-pod-autoscaler-tolerance must be >= 0, got ${opts.tolerance}`);
  const downscaleStabilizationSeconds = (opts.downscaleStabilizationMs ?? DOWNSCALE_STABILIZATION_SECONDS * 1000) / 1000;
  const config: ReplicaCalculatorConfig = {
    tolerance: opts.tolerance ?? defaultReplicaCalculatorConfig.tolerance,
    cpuInitializationPeriodMs: opts.cpuInitializationPeriodMs ?? defaultReplicaCalculatorConfig.cpuInitializationPeriodMs,
    delayOfInitialReadinessStatusMs: opts.initialReadinessDelayMs ?? defaultReplicaCalculatorConfig.delayOfInitialReadinessStatusMs,
  };
  const listers = {
    horizontalPodAutoscalers: factory.informerFor<HorizontalPodAutoscaler>(Resources.horizontalPodAutoscalers).lister as unknown as ListerView<HorizontalPodAutoscaler>,
    pods: factory.informerFor<Pod>(Resources.pods).lister as unknown as ListerView<Pod>,
  };
  const states = new Map<string, HpaState>();

  const sync = async (key: string): Promise<SyncResult> => {
    const { namespace, name } = splitKey(key);
    const hpa = listers.horizontalPodAutoscalers.get(name, namespace);
    if (hpa === undefined) {
      states.delete(key);
      return { actions: [] };
    }
    const read = await readScale(deps.client, hpa, namespace);
    const podMetrics = await readMetrics(metrics, read, namespace);
    const ctx = { nowMs: clock.now(), state: states.get(key) ?? emptyHpaState, scale: read.scale, metrics: podMetrics, config, downscaleStabilizationSeconds };
    const result = syncHorizontalPodAutoscaler(key, listers, ctx);
    states.set(key, result.state);
    return { actions: result.actions, requeueAfterMs: syncPeriodMs };
  };

  // Events come from `horizontal-pod-autoscaler`, the component name Kubernetes' HPA records under.
  const recorder = createEventRecorder({ client: deps.client, source: { component: 'horizontal-pod-autoscaler', host: deps.host.instance }, onError: (err) => deps.host.logger.debug({ err }, 'event not recorded') });
  const c = createController({ name: 'horizontalpodautoscaling', sync }, { ...deps, recorder });
  const informer = factory.informerFor<HorizontalPodAutoscaler>(Resources.horizontalPodAutoscalers);
  informer.addEventHandler({
    onAdd: (h) => c.enqueue(objectKey(h)),
    // Our own status writes come back as updates: only a spec change (a new generation) syncs early.
    onUpdate: (old, h) => {
      if (old.metadata.generation !== h.metadata.generation) c.enqueue(objectKey(h));
    },
    onDelete: (h) => c.enqueue(objectKey(unwrap(h))),
  });
  return {
    ...c,
    stop: async () => {
      await c.stop();
      await recorder.flush();
    },
  };
}
