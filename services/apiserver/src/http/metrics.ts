// Prometheus metrics of the API server, named as kube-apiserver names them
// (k8s.io/apiserver/pkg/endpoints/metrics): requests by verb, resource and code, their latency,
// registered watchers and watch events sent, and the latency of the core's calls to the store
// (k8s.io/apiserver/pkg/storage/etcd3/metrics). One registry per server, so that several servers in
// one process (tests, `skiff up`) do not share counters.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ApiMetrics {
  readonly registry: Registry;
  /** `verb` is Kubernetes' request verb in capitals: GET, LIST, WATCH, POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION. */
  observeRequest(labels: RequestLabels, code: number, durationSeconds: number): void;
  watchStarted(labels: Pick<RequestLabels, 'group' | 'version' | 'resource'>): () => void;
  watchEvent(labels: Pick<RequestLabels, 'group' | 'version' | 'resource'>, eventType: string): void;
  /** One call of the core to the store (storage-metrics.ts). */
  observeStorage(operation: string, type: string, durationSeconds: number, ok: boolean): void;
  /** Text exposition format and its content type. */
  render(): Promise<{ readonly contentType: string; readonly text: string }>;
}

export interface RequestLabels {
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  /** `resource` for resource requests, `nonResource` for discovery, health, OpenAPI... */
  readonly scope: string;
}

// kube-apiserver's request latency buckets (seconds), up to a minute.
const LATENCY_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

export function createApiMetrics(opts: { readonly processMetrics?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
  if (opts.processMetrics === true) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, group, version, resource, subresource, scope and HTTP response code.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'code'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, group, version, resource, subresource and scope.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const watchers = new Gauge({
    name: 'apiserver_registered_watchers',
    help: 'Number of currently registered watchers for a given resource.',
    labelNames: ['group', 'version', 'kind'] as const,
    registers: [registry],
  });
  const watchEvents = new Counter({
    name: 'apiserver_watch_events_total',
    help: 'Number of events sent in watch clients.',
    labelNames: ['group', 'version', 'kind', 'type'] as const,
    registers: [registry],
  });
  const storageLatency = new Histogram({
    name: 'etcd_request_duration_seconds',
    help: 'Store request latency in seconds for each operation and object type.',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const storageErrors = new Counter({
    name: 'etcd_request_errors_total',
    help: 'Store requests that failed, for each operation and object type.',
    labelNames: ['operation', 'type'] as const,
    registers: [registry],
  });
  const current = new Gauge({
    name: 'apiserver_current_watchers',
    help: 'Number of watches open on this server, over HTTP and NATS.',
    registers: [registry],
  });
  return {
    registry,
    observeRequest(labels, code, durationSeconds) {
      requests.inc({ ...labels, code: String(code) });
      // Watches last as long as the client wants: their duration says nothing about latency.
      if (labels.verb !== 'WATCH') latency.observe({ ...labels }, durationSeconds);
    },
    watchStarted(labels) {
      const l = { group: labels.group, version: labels.version, kind: labels.resource };
      watchers.inc(l);
      current.inc();
      let done = false;
      return () => {
        if (done) return;
        done = true;
        watchers.dec(l);
        current.dec();
      };
    },
    watchEvent(labels, eventType) {
      watchEvents.inc({ group: labels.group, version: labels.version, kind: labels.resource, type: eventType });
    },
    observeStorage(operation, type, durationSeconds, ok) {
      storageLatency.observe({ operation, type }, durationSeconds);
      if (!ok) storageErrors.inc({ operation, type });
    },
    async render() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}

/** Kubernetes' request verb for metrics and logs (k8s.io/apiserver/pkg/endpoints/metrics CleanVerb). */
export function metricVerb(verb: string, patchType: string | undefined): string {
  switch (verb) {
    case 'get':
      return 'GET';
    case 'list':
      return 'LIST';
    case 'watch':
      return 'WATCH';
    case 'create':
      return 'POST';
    case 'update':
      return 'PUT';
    case 'patch':
      return patchType === 'apply' ? 'APPLY' : 'PATCH';
    case 'delete':
      return 'DELETE';
    case 'deletecollection':
      return 'DELETECOLLECTION';
    default:
      return verb.toUpperCase();
  }
}
