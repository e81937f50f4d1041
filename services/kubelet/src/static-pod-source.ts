// Adapter: static pods from --pod-manifest-path (pkg/kubelet/config/file.go) and their mirror
// pods (pkg/kubelet/pod/mirror_client.go). Every intervalMs the folder is read again: a new
// manifest starts a pod, a changed one replaces it (its UID is the manifest's hash), a removed one
// kills it. A malformed manifest is logged and recorded as an Event on the Node; the others keep
// running. Each running static pod has a mirror pod in the API (annotation
// kubernetes.io/config.mirror), created when missing, replaced when stale, deleted with its pod.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from '@skiff/api';
import type { Clock, ServiceLogger } from '@skiff/actors';
import { ApiStatusError, createEventRecorder, Resources, type ApiClient, type EventRecorder } from '@skiff/client';
import { kubeTime, mirrorPod, mirrorPodMatches, parseStaticPodManifest } from '@skiff/kubelet';
import type { PodManager } from './pod-manager.js';

export interface StaticPodSourceOptions {
  readonly dir: string;
  readonly nodeName: string;
  readonly nodeUID: () => string | undefined;
  readonly client: ApiClient;
  readonly pods: PodManager;
  readonly clock: Clock;
  readonly logger: ServiceLogger;
  readonly intervalMs: number;
}

const MANIFEST = /\.(ya?ml|json)$/;
const isCode = (e: unknown, code: number): boolean => e instanceof ApiStatusError && e.code === code;

export class StaticPodSource {
  /** Running static pods by manifest file. */
  private readonly byFile = new Map<string, Pod>();
  /** Files already reported as malformed, with their text, so one bad file is one Event. */
  private readonly reported = new Map<string, string>();
  private readonly recorder: EventRecorder;
  private timer: number | undefined;
  private stopped = false;

  constructor(private readonly opts: StaticPodSourceOptions) {
    this.recorder = createEventRecorder({ client: opts.client, source: { component: 'kubelet', host: opts.nodeName }, clock: opts.clock });
  }

  start(): void {
    void this.round();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
  }

  /** Reads the folder once and reconciles; then schedules the next round. */
  private async round(): Promise<void> {
    try {
      await this.sync();
    } catch (err) {
      this.opts.logger.warn({ err: String(err), dir: this.opts.dir }, 'static pod sync failed');
    }
    if (!this.stopped) this.timer = this.opts.clock.setTimeout(() => void this.round(), this.opts.intervalMs);
  }

  private async sync(): Promise<void> {
    const files = await readdir(this.opts.dir).catch(() => [] as string[]);
    const seen = new Set<string>();
    for (const name of files.filter((f) => MANIFEST.test(f) && !f.startsWith('.')).sort()) {
      const path = join(this.opts.dir, name);
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      seen.add(path);
      let pod: Pod;
      try {
        pod = parseStaticPodManifest(text, path, this.opts.nodeName, { seenTime: kubeTime(this.opts.clock.now()) });
      } catch (err) {
        // Keep whatever ran from this file before; report the bad version once.
        if (this.reported.get(path) !== text) {
          this.reported.set(path, text);
          this.opts.logger.warn({ err: String(err), file: path }, 'malformed static pod manifest');
          void this.recorder.event({ kind: 'Node', apiVersion: 'v1', name: this.opts.nodeName, uid: this.opts.nodeUID() ?? '' }, 'Warning', 'FailedToParseStaticPod', String(err instanceof Error ? err.message : err));
        }
        continue;
      }
      this.reported.delete(path);
      const old = this.byFile.get(path);
      if (old !== undefined && old.metadata.uid !== pod.metadata.uid) {
        this.opts.pods.remove(old);
        await this.deleteMirror(old);
      }
      if (old === undefined || old.metadata.uid !== pod.metadata.uid) {
        this.byFile.set(path, pod);
        this.opts.pods.upsert(pod);
      }
      await this.ensureMirror(pod);
    }
    for (const [path, pod] of [...this.byFile]) {
      if (seen.has(path)) continue;
      this.byFile.delete(path);
      this.opts.pods.remove(pod);
      await this.deleteMirror(pod);
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
  }

  private async deleteMirror(pod: Pod): Promise<void> {
    await this.opts.client.delete(Resources.pods, pod.metadata.name ?? '', { namespace: pod.metadata.namespace ?? 'default', gracePeriodSeconds: 0 }).catch((e: unknown) => {
      if (!isCode(e, 404)) throw e;
    });
  }
}
