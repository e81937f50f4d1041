// Adapter: static pods from --manifest-url (pkg/kubelet/config/http.go), polled every
// --http-check-frequency (20 s by default). As in Kubernetes: a 200 answer is the whole set (one
// Pod, a PodList or a List; an empty body is no pods), so a pod dropped from it is stopped and its
// mirror deleted; any other answer, a network error or a malformed body changes nothing (logged,
// a malformed body also reported once as an Event on the Node).
import type { Clock, ServiceLogger } from '@skiff/actors';
import { kubeTime, parseManifestList } from '@skiff/kubelet';
import type { StaticPodSet } from './static-pod-set.js';

export const DEFAULT_HTTP_CHECK_FREQUENCY_MS = 20_000;
/** One fetch may take this long; a stalled server must not stall the source for good. */
export const MANIFEST_URL_TIMEOUT_MS = 10_000;

export interface ManifestUrlSourceOptions {
  readonly url: string;
  readonly nodeName: string;
  readonly set: StaticPodSet;
  readonly clock: Clock;
  readonly logger: ServiceLogger;
  readonly intervalMs: number;
}

export class ManifestUrlSource {
  private timer: number | undefined;
  private stopped = false;

  constructor(private readonly opts: ManifestUrlSourceOptions) {}

  start(): void {
    if (!this.stopped) void this.round();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
  }

  private async round(): Promise<void> {
    try {
      await this.sync();
    } catch (err) {
      this.opts.logger.warn({ err: String(err), url: this.opts.url }, 'manifest url sync failed');
    }
    if (!this.stopped) this.timer = this.opts.clock.setTimeout(() => void this.round(), this.opts.intervalMs);
  }

  private async sync(): Promise<void> {
    const { url, set } = this.opts;
    const res = await fetch(url, { signal: AbortSignal.timeout(MANIFEST_URL_TIMEOUT_MS), headers: { accept: 'application/json, application/yaml' } });
    const text = await res.text();
    if (res.status !== 200) {
      this.opts.logger.warn({ url, status: res.status }, 'manifest url answered with an error; pods kept');
      return;
    }
    let wanted;
    try {
      wanted = parseManifestList(text, url, this.opts.nodeName, { configSource: 'http', seenTime: kubeTime(this.opts.clock.now()) });
    } catch (err) {
      set.reportMalformed(url, text, err);
      return;
    }
    set.clearReport(url);
    await set.update(() => ({ wanted, result: undefined }));
  }
}
