// Adapter: static pods from --pod-manifest-path (pkg/kubelet/config/file.go) and their mirror
// pods (pkg/kubelet/pod/mirror_client.go). Every intervalMs the folder is read again: a new
// manifest starts a pod, a changed one replaces it (its UID is the manifest's hash), a removed one
// kills it. A malformed manifest is logged and recorded as an Event on the Node; the others keep
// running. Each running static pod has a mirror pod in the API (annotation
// kubernetes.io/config.mirror), created when missing, replaced when stale, deleted with its pod
// (static-pod-set.ts, shared with the manifest URL and the kubelet's own endpoint).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from '@skiff/api';
import type { Clock, ServiceLogger } from '@skiff/actors';
import type { ApiClient } from '@skiff/client';
import { kubeTime, parseStaticPodManifest } from '@skiff/kubelet';
import type { PodManager } from './pod-manager.js';
import { Poller } from './poller.js';
import { StaticPodSet } from './static-pod-set.js';

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

export class StaticPodSource {
  /** Running static pods by manifest file, with their mirrors. */
  private readonly set: StaticPodSet;
  private readonly poller: Poller;

  constructor(private readonly opts: StaticPodSourceOptions) {
    this.set = new StaticPodSet(opts);
    this.poller = new Poller(opts.clock, opts.intervalMs, () => this.sync(), (err) => opts.logger.warn({ err: String(err), dir: opts.dir }, 'static pod sync failed'));
  }

  start(): void {
    this.poller.start();
  }

  stop(): void {
    this.poller.stop();
  }

  /** Reads the folder once and reconciles. */
  private async sync(): Promise<void> {
    const files = await readdir(this.opts.dir).catch(() => [] as string[]);
    const texts = new Map<string, string>();
    for (const name of files.filter((f) => MANIFEST.test(f) && !f.startsWith('.')).sort()) {
      const path = join(this.opts.dir, name);
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text !== undefined) texts.set(path, text);
    }
    await this.set.update((running) => {
      const wanted = new Map<string, Pod>();
      for (const [path, text] of texts) {
        try {
          wanted.set(path, parseStaticPodManifest(text, path, this.opts.nodeName, { seenTime: kubeTime(this.opts.clock.now()) }));
          this.set.clearReport(path);
        } catch (err) {
          // Keep whatever ran from this file before; report the bad version once.
          this.set.reportMalformed(path, text, err);
          const old = running.get(path);
          if (old !== undefined) wanted.set(path, old);
        }
      }
      return { wanted, result: undefined };
    });
  }
}
