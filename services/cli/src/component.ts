// What a component of a local cluster is to `skiff up`: something that starts, becomes ready,
// and stops. Every Skiff service (store members, apiserver, scheduler, controller-manager,
// kubelets, proxy) enters a cluster through this one shape, listed in components.ts.

import type { Clock, ServiceLogger } from '@skiff/actors';
import type { ClusterEvents } from './cluster-events.js';
import type { UpOptions } from './options.js';

export interface ComponentContext {
  readonly cluster: string;
  readonly dataDir: string;
  /** Every NATS server of the cluster (one when skiff manages it). */
  readonly natsUrls: readonly string[];
  readonly options: UpOptions;
  /** Writes to `<data-dir>/skiff.log`, bound to this component; hand it to startServiceHost. */
  readonly logger: ServiceLogger;
  /** One clock for every component of the process. */
  readonly clock: Clock;
  /** Names of every component, in start order. */
  readonly components: readonly string[];
  /** Lifecycle reports: a component that fails after start emits `component.failed` here. */
  readonly events: ClusterEvents;
  /** Skiff's version, for the NATS service framework. */
  readonly version: string;
  /** Instance name of this process for services (a NATS subject token). */
  readonly instance: string;
}

/** What `skiff up` prints about a component once the cluster is ready. */
export interface ComponentSummary {
  /** Facts, e.g. `API         https://127.0.0.1:6443`. */
  readonly lines: readonly string[];
  /** Commands to try next, e.g. `export KUBECONFIG=...`. */
  readonly next: readonly string[];
}

export interface ComponentHandle {
  /** Resolves when the component serves; rejects when it cannot. */
  readonly ready: Promise<void>;
  /** Read once the component is ready, for the summary. */
  readonly summary?: () => ComponentSummary;
  /** Stops it and releases what it holds. Idempotent. */
  stop(): Promise<void>;
}

export interface Component {
  /** Short name: a task title, a key in cluster.json, a NATS token. */
  readonly name: string;
  /** What the progress list shows. */
  readonly title: string;
  start(ctx: ComponentContext): Promise<ComponentHandle>;
}
