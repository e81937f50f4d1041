// Adapter: static pods from --manifest-url (pkg/kubelet/config/http.go), polled every
// --http-check-frequency (20 s by default). As in Kubernetes: a 200 answer is the whole set (one
// Pod, a PodList or a List; an empty body is no pods), so a pod dropped from it is stopped and its
// mirror deleted; any other answer, a network error or a malformed body changes nothing (logged,
// a malformed body also reported once as an Event on the Node).
import type { Clock, ServiceLogger } from '@skiff/actors';
import { kubeTime, parseManifestList } from '@skiff/kubelet';
import { Poller } from './poller.js';
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
  private readonly poller: Poller;

  constructor(private readonly opts: ManifestUrlSourceOptions) {
    this.poller = new Poller(opts.clock, opts.intervalMs, () => this.sync(), (err) => opts.logger.warn({ err: String(err), url: opts.url }, 'manifest url sync failed'));
  }

  start(): void {
    this.poller.start();
  }

  stop(): void {
    this.poller.stop();
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
