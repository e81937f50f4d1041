// Adapter: the static pods of one source and their mirror pods (pkg/kubelet/config/config.go's
// per-source SET, pkg/kubelet/pod/mirror_client.go). Every source (the manifest folder, the
// manifest URL, the kubelet's own endpoint) hands its whole wanted set to `update`; the set
// starts new pods, stops gone and replaced ones (planStaticPods), and keeps one mirror pod per
// running pod in the API: created when missing, replaced when stale, deleted with its pod.
// Updates run one at a time, so two writers of one source never interleave.
import type { Pod } from '@skiff/api';
import type { Clock, ServiceLogger } from '@skiff/actors';
import { ApiStatusError, createEventRecorder, Resources, type ApiClient, type EventRecorder } from '@skiff/client';
import { mirrorPod, mirrorPodMatches, planStaticPods } from '@skiff/kubelet';
import type { PodManager } from './pod-manager.js';

export interface StaticPodSetOptions {
  readonly nodeName: string;
  readonly nodeUID: () => string | undefined;
  readonly client: ApiClient;
  readonly pods: PodManager;
  readonly clock: Clock;
  readonly logger: ServiceLogger;
}

const isCode = (e: unknown, code: number): boolean => e instanceof ApiStatusError && e.code === code;

export class StaticPodSet {
  private running = new Map<string, Pod>();
  /** Manifests already reported as malformed, with their text, so one bad version is one Event. */
  private readonly reported = new Map<string, string>();
  private readonly recorder: EventRecorder;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: StaticPodSetOptions) {
    this.recorder = createEventRecorder({ client: opts.client, source: { component: 'kubelet', host: opts.nodeName }, clock: opts.clock });
  }

  /** The running pods of this source by key. */
  current(): ReadonlyMap<string, Pod> {
    return this.running;
  }

  /** Replaces this source's pods with what `want` returns from the current ones; mirrors follow. */
  update<T>(want: (current: ReadonlyMap<string, Pod>) => { readonly wanted: ReadonlyMap<string, Pod>; readonly result: T }): Promise<T> {
    const next = this.queue.then(() => this.apply(want));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** A malformed manifest: logged, and an Event on the Node, once per version of its text. */
  reportMalformed(key: string, text: string, err: unknown): void {
    if (this.reported.get(key) === text) return;
    this.reported.set(key, text);
    const message = err instanceof Error ? err.message : String(err);
    this.opts.logger.warn({ err: message, source: key }, 'malformed static pod manifest');
    void this.recorder.event({ kind: 'Node', apiVersion: 'v1', name: this.opts.nodeName, uid: this.opts.nodeUID() ?? '' }, 'Warning', 'FailedToParseStaticPod', message);
  }

  clearReport(key: string): void {
    this.reported.delete(key);
  }

  private async apply<T>(want: (current: ReadonlyMap<string, Pod>) => { readonly wanted: ReadonlyMap<string, Pod>; readonly result: T }): Promise<T> {
    const { wanted, result } = want(this.running);
    const plan = planStaticPods(this.running, wanted);
    const next = new Map(this.running);
    for (const { key, pod } of plan.stop) {
      next.delete(key);
      this.opts.pods.remove(pod);
      await this.guard(pod, 'delete', () => this.deleteMirror(pod));
    }
    for (const { key, pod } of plan.start) {
      next.set(key, pod);
      this.opts.pods.upsert(pod);
    }
    this.running = next;
    for (const pod of next.values()) await this.guard(pod, 'create', () => this.ensureMirror(pod));
    return result;
  }

  /** One mirror's failure (the API away) is logged; the next update tries again. */
  private async guard(pod: Pod, what: string, f: () => Promise<void>): Promise<void> {
    try {
      await f();
    } catch (err) {
      this.opts.logger.warn({ err: String(err), pod: pod.metadata.name }, `mirror pod ${what} failed`);
    }
  }

  private async ensureMirror(pod: Pod): Promise<void> {
    const uid = this.opts.nodeUID();
    if (uid === undefined) return;
    const { client } = this.opts;
    const name = pod.metadata.name ?? '';
    const namespace = pod.metadata.namespace ?? 'default';
    const existing = await client.get<Pod>(Resources.pods, name, { namespace }).catch((e: unknown) => {
      if (isCode(e, 404)) return undefined;
      throw e;
    });
    if (existing !== undefined && mirrorPodMatches(existing, pod) && existing.metadata.deletionTimestamp === undefined) return;
    if (existing !== undefined) await this.deleteMirror(pod);
    await client.create<Pod>(Resources.pods, mirrorPod(pod, { name: this.opts.nodeName, uid }), { namespace }).catch((e: unknown) => {
      if (!isCode(e, 409)) throw e;
    });
    // The pod worker's status writes went nowhere (404) while the mirror was missing, and it
    // writes again only on a change: give the new mirror the status as it is now.
    const status = this.opts.pods.status(pod.metadata.uid ?? '');
    if (status !== undefined) await client.patchStatus(Resources.pods, name, 'merge', { status }, { namespace });
  }

  private async deleteMirror(pod: Pod): Promise<void> {
    await this.opts.client.delete(Resources.pods, pod.metadata.name ?? '', { namespace: pod.metadata.namespace ?? 'default', gracePeriodSeconds: 0 }).catch((e: unknown) => {
      if (!isCode(e, 404)) throw e;
    });
  }
}
