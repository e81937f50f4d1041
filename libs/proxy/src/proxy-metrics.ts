// Prometheus metrics of the proxy, per service port: connections accepted and open, bytes each way,
// forwarding errors by reason, and bind failures of listeners. One registry per proxy (several
// proxies in one process, as in tests or `skiff up`, keep their own counters).
// Bytes are counted when a connection ends (socket.bytesRead/bytesWritten), which costs nothing
// per chunk; a long-lived connection shows up in the byte counters when it closes.

import { Counter, Gauge, Registry } from 'prom-client';
import type { Listener } from './listener.js';

export const ForwardErrorReason = {
  /** No ready endpoint for the service port: the connection is reset. */
  NoEndpoints: 'no_endpoints',
  Refused: 'refused',
  Timeout: 'timeout',
  Unreachable: 'unreachable',
  ConnectError: 'connect_error',
  /** Every attempt of one connection failed: the connection is reset. */
  Exhausted: 'exhausted',
  /** An established connection broke (reset by either side). */
  Stream: 'stream',
} as const;
export type ForwardErrorReason = (typeof ForwardErrorReason)[keyof typeof ForwardErrorReason];

/** The counters of one listener, labels bound once. */
export interface ServiceMetrics {
  connectionOpened(): void;
  connectionClosed(bytesIn: number, bytesOut: number): void;
  error(reason: ForwardErrorReason): void;
}

export interface ProxyMetrics {
  readonly registry: Registry;
  forListener(listener: Listener): ServiceMetrics;
  listenerOpenFailed(listener: Listener, code: string): void;
  /** Text exposition format and its content type. */
  render(): Promise<{ readonly contentType: string; readonly text: string }>;
}

export const noopServiceMetrics: ServiceMetrics = {
  connectionOpened: () => undefined,
  connectionClosed: () => undefined,
  error: () => undefined,
};

// `port` is the ServicePort name ('' for a single unnamed port), shared by its ClusterIP and NodePort listeners.
const SERVICE_LABELS = ['namespace', 'service', 'port'] as const;

export function createProxyMetrics(opts: { readonly registry?: Registry } = {}): ProxyMetrics {
  const registry = opts.registry ?? new Registry();
  const registers = [registry];
  const connections = new Counter({ name: 'skiff_proxy_connections_total', help: 'Connections accepted per service port.', labelNames: SERVICE_LABELS, registers });
  const active = new Gauge({ name: 'skiff_proxy_active_connections', help: 'Connections open per service port.', labelNames: SERVICE_LABELS, registers });
  const bytes = new Counter({
    name: 'skiff_proxy_bytes_total',
    help: 'Bytes forwarded per service port: direction "in" from clients to endpoints, "out" back to clients (counted when a connection ends).',
    labelNames: [...SERVICE_LABELS, 'direction'] as const,
    registers,
  });
  const errors = new Counter({ name: 'skiff_proxy_errors_total', help: 'Forwarding errors per service port and reason.', labelNames: [...SERVICE_LABELS, 'reason'] as const, registers });
  const openFailures = new Counter({
    name: 'skiff_proxy_listener_open_failures_total',
    help: 'Failed attempts to bind a listener, per service port and errno.',
    labelNames: [...SERVICE_LABELS, 'code'] as const,
    registers,
  });
  const labelsOf = (l: Listener) => ({ namespace: l.service.namespace, service: l.service.name, port: l.service.portName });
  return {
    registry,
    forListener(listener) {
      const labels = labelsOf(listener);
      const opened = connections.labels(labels);
      const open = active.labels(labels);
      const bytesIn = bytes.labels({ ...labels, direction: 'in' });
      const bytesOut = bytes.labels({ ...labels, direction: 'out' });
      return {
        connectionOpened: () => {
          opened.inc();
          open.inc();
        },
        connectionClosed: (inBytes, outBytes) => {
          open.dec();
          if (inBytes > 0) bytesIn.inc(inBytes);
          if (outBytes > 0) bytesOut.inc(outBytes);
        },
        error: (reason) => errors.inc({ ...labels, reason }),
      };
    },
    listenerOpenFailed: (listener, code) => openFailures.inc({ ...labelsOf(listener), code }),
    render: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
  };
}
