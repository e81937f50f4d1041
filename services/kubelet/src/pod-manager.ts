// Adapter: the kubelet's pod workers (pkg/kubelet/pod_workers.go UpdatePod / the status manager).
// One podWorkerMachine per pod UID, hosted so `skiff inspect` shows it; the informer's adds and
// updates go to it as UPDATE, a pod gone from the API gets TERMINATE. Status goes to pods/status
// only when the worker says it changed, one write in flight per pod (the latest wins). A pod with
// a deletionTimestamp is terminated gracefully by its worker, then deleted for good with
// gracePeriodSeconds=0 (the kubelet's final delete), then its sandbox and data are removed.
import type { Pod, PodStatus } from '@skiff/api';
import type { ServiceHost, ServiceLogger } from '@skiff/actors';
import { ApiStatusError, createEventRecorder, objectReference, Resources, type ApiClient, type EventRecorder } from '@skiff/client';
import { containerExitFromEvent, isStaticPod, podWorkerMachine, type ContainerEvent, type KubeletRuntime, type PodEvent } from '@skiff/kubelet';
import type { Actor } from 'xstate';

type Worker = Actor<typeof podWorkerMachine>;

interface Entry {
  pod: Pod;
  readonly worker: Worker;
  /** Pending status write; undefined when none is waiting. */
  nextStatus: PodStatus | undefined;
  writing: boolean;
  /** Still in the API (false once the informer saw it deleted). */
  inApi: boolean;
  finished: boolean;
}

export interface PodManagerOptions {
  readonly host: ServiceHost;
  readonly client: ApiClient;
  readonly runtime: KubeletRuntime;
  readonly hostIP: string;
  /** The Events' source host. */
  readonly nodeName: string;
  readonly logger: ServiceLogger;
}

const uidOf = (pod: Pod): string => pod.metadata.uid ?? '';
const isCode = (e: unknown, code: number): boolean => e instanceof ApiStatusError && e.code === code;

export class PodManager {
  private readonly entries = new Map<string, Entry>();
  private stopping = false;
  private readonly recorder: EventRecorder;

  constructor(private readonly opts: PodManagerOptions) {
    this.recorder = createEventRecorder({ client: opts.client, source: { component: 'kubelet', host: opts.nodeName }, clock: opts.host.clock });
  }

  /** Routes a runtime event (a container stopped) to its pod's worker: the evented PLEG. */
  onContainerEvent(event: ContainerEvent): void {
    const exit = containerExitFromEvent(event);
    if (exit === undefined) return;
    const entry = this.entries.get(exit.podUID);
    if (entry !== undefined && !entry.finished) entry.worker.send({ type: 'CONTAINER_EXITED', exit: exit.exit });
  }

  /** An add or update from the API (or a static pod source). */
  upsert(pod: Pod): void {
    if (this.stopping) return;
    const uid = uidOf(pod);
    const entry = this.entries.get(uid);
    if (entry === undefined) {
      this.spawn(pod);
      return;
    }
    entry.pod = pod;
    entry.inApi = true;
    if (entry.finished) {
      if (pod.metadata.deletionTimestamp !== undefined) void this.finalize(entry);
      return;
    }
    entry.worker.send({ type: 'UPDATE', pod });
  }

  /** The pod is gone from its source: kill it (its grace period, as the API last said). */
  remove(pod: Pod): void {
    const entry = this.entries.get(uidOf(pod));
    if (entry === undefined) return;
    entry.inApi = false;
    if (entry.finished) void this.finalize(entry);
    else entry.worker.send({ type: 'TERMINATE' });
  }

  /** The eviction manager's victim: terminated with reason Evicted; it stays in the API as Failed. */
  evict(uid: string, gracePeriodSeconds: number, message: string): void {
    const entry = this.entries.get(uid);
    if (entry === undefined || entry.finished) return;
    this.record(entry, { type: 'podEvent', eventType: 'Warning', reason: 'Evicted', message });
    entry.worker.send({ type: 'TERMINATE', gracePeriodSeconds, reason: 'Evicted', message });
  }

  /** Pods whose workers still run (the eviction manager's active pods). */
  activePods(): Pod[] {
    return [...this.entries.values()].filter((e) => !e.finished).map((e) => e.pod);
  }

  /** Pods this kubelet runs, by UID. */
  pods(): Pod[] {
    return [...this.entries.values()].map((e) => e.pod);
  }

  status(uid: string): PodStatus | undefined {
    return this.entries.get(uid)?.worker.getSnapshot().context.status;
  }

  /** Kills every pod (gracefully, bounded by their grace periods) and waits for the workers. */
  async stop(): Promise<void> {
    this.stopping = true;
    const ends = [...this.entries.values()].map((e) => this.ended(e));
    for (const e of this.entries.values()) if (!e.finished) e.worker.send({ type: 'TERMINATE' });
    await Promise.all(ends);
  }

  private spawn(pod: Pod): void {
    const uid = uidOf(pod);
    const id = `pod/${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}/${uid}`;
    const worker = this.opts.host.spawn(podWorkerMachine, {
      id,
      input: { pod, runtime: this.opts.runtime, now: () => this.opts.host.clock.now(), hostIP: this.opts.hostIP },
    });
    const entry: Entry = { pod, worker, nextStatus: undefined, writing: false, inApi: true, finished: false };
    this.entries.set(uid, entry);
    worker.on('podStatus', (e) => this.queueStatus(entry, e.status));
    worker.on('podEvent', (e) => this.record(entry, e));
    worker.subscribe({
      complete: () => {
        entry.finished = true;
        if (pod.metadata.deletionTimestamp !== undefined || entry.pod.metadata.deletionTimestamp !== undefined || !entry.inApi) void this.finalize(entry);
      },
      error: () => {
        entry.finished = true;
      },
    });
    // A pod that arrives already deleting goes straight to termination.
    if (pod.metadata.deletionTimestamp !== undefined) worker.send({ type: 'UPDATE', pod });
  }

  /** Best effort, as every Event: a failed write is dropped by the recorder. */
  private record(entry: Entry, e: PodEvent): void {
    const ref = objectReference(entry.pod);
    void this.recorder.event(e.fieldPath === undefined ? ref : { ...ref, fieldPath: e.fieldPath }, e.eventType, e.reason, e.message);
  }

  private ended(entry: Entry): Promise<void> {
    if (entry.finished) return Promise.resolve();
    return new Promise((resolve) => entry.worker.subscribe({ complete: () => resolve(), error: () => resolve() }));
  }

  private queueStatus(entry: Entry, status: PodStatus): void {
    entry.nextStatus = status;
    if (!entry.writing) void this.drainStatus(entry);
  }

  private async drainStatus(entry: Entry): Promise<void> {
    entry.writing = true;
    try {
      while (entry.nextStatus !== undefined && entry.inApi && !this.stopping) {
        const status = entry.nextStatus;
        entry.nextStatus = undefined;
        await this.writeStatus(entry.pod, status);
      }
    } finally {
      entry.writing = false;
    }
  }

  private async writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    // A static pod's status goes to its mirror pod, which has the same name (404 until it exists).
    const target = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '' };
    try {
      await this.opts.client.patchStatus(Resources.pods, target.name, 'merge', { status }, { namespace: target.namespace });
    } catch (e) {
      // A pod deleted meanwhile has no status to write; anything else is logged, the next change retries.
      if (!isCode(e, 404)) this.opts.logger.warn({ err: String(e), pod: target.name }, 'pod status write failed');
    }
  }

  /** The worker is done: the final delete (if the pod is deleting) and the cleanup of its sandbox. */
  private async finalize(entry: Entry): Promise<void> {
    const pod = entry.pod;
    const uid = uidOf(pod);
    if (this.entries.get(uid) !== entry) return;
    if (entry.inApi && pod.metadata.deletionTimestamp === undefined) return; // terminal pod kept for its status
    this.entries.delete(uid);
    await this.waitStatusWrites(entry);
    if (entry.inApi && !isStaticPod(pod)) {
      try {
        await this.opts.client.delete(Resources.pods, pod.metadata.name ?? '', { namespace: pod.metadata.namespace ?? 'default', gracePeriodSeconds: 0, preconditions: { uid } });
      } catch (e) {
        if (!isCode(e, 404) && !isCode(e, 409)) this.opts.logger.warn({ err: String(e), pod: pod.metadata.name }, 'final pod delete failed');
      }
    }
    await this.opts.runtime.cleanupPod(pod).catch((e: unknown) => this.opts.logger.warn({ err: String(e), pod: pod.metadata.name }, 'pod cleanup failed'));
  }

  private async waitStatusWrites(entry: Entry): Promise<void> {
    for (let i = 0; i < 100 && entry.writing; i++) await new Promise((r) => setTimeout(r, 20));
  }
}
