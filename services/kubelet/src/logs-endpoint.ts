// Adapter: `kubelet.<node>.logs`, the kubelet's containerLogs handler over NATS (what the
// apiserver's pods/log proxies to). A plain request answers with the text at once; `follow: true`
// needs Bus.requestStream: the reply says `opened`, then chunks go to the request's inbox as they
// are written, and an empty message ends the stream when the container stops.
import type { ServiceHost } from '@skiff/actors';
import { encode, errorReply, guardOf, type Endpoint, type Envelope } from '@skiff/bus';
import type { ContainerRuntime } from '@skiff/kubelet';
import { formatForKubectl } from '@skiff/runtime';
import { findContainer, type PodSource } from './container-logs.js';

export interface LogsRequest extends Envelope {
  readonly type: 'kubelet.logs';
  readonly namespace: string;
  readonly pod: string;
  readonly container?: string;
  readonly tailLines?: number;
  readonly sinceTimeMs?: number;
  readonly timestamps?: boolean;
  readonly previous?: boolean;
  readonly follow?: boolean;
}

export interface LogsReply {
  readonly type: 'kubelet.logs.text';
  readonly text: string;
}

export interface LogsChunk {
  readonly type: 'kubelet.logs.chunk';
  readonly text: string;
}

export const isLogsRequest = guardOf<LogsRequest>('kubelet.logs', { namespace: 'string', pod: 'string' });

export function logsSubject(cluster: string, nodeName: string): string {
  return `skiff.${cluster}.kubelet.${nodeName}.logs`;
}

export async function serveLogs(host: ServiceHost, nodeName: string, cri: ContainerRuntime, pods: PodSource): Promise<Endpoint> {
  const subject = logsSubject(host.subjects.cluster, nodeName);
  return host.addEndpoint<LogsRequest>(
    'logs',
    subject,
    async (req, msg): Promise<{ readonly type: string }> => {
      const id = await findContainer(cri, pods, req);
      const options = {
        ...(req.tailLines !== undefined ? { tailLines: req.tailLines } : {}),
        ...(req.sinceTimeMs !== undefined ? { sinceTimeMs: req.sinceTimeMs } : {}),
      };
      const timestamps = req.timestamps === true;
      if (req.follow !== true) {
        let text = '';
        for await (const line of cri.readContainerLogs(id, options)) text += formatForKubectl(line, timestamps);
        const reply: LogsReply = { type: 'kubelet.logs.text', text };
        return reply;
      }
      const inbox = msg.reply;
      if (inbox === undefined) return errorReply('BadRequest', 'follow needs a reply inbox (Bus.requestStream)');
      // Chunks must follow the `opened` reply, so the stream starts after this handler returns.
      setImmediate(() => void streamLogs(host, inbox, cri, id, { ...options, follow: true }, timestamps));
      return { type: 'kubelet.logs.opened' };
    },
    { guard: isLogsRequest },
  );
}

async function streamLogs(host: ServiceHost, inbox: string, cri: ContainerRuntime, id: string, options: { follow: true; tailLines?: number; sinceTimeMs?: number }, timestamps: boolean): Promise<void> {
  try {
    for await (const line of cri.readContainerLogs(id, options)) host.bus.publish(inbox, encode({ type: 'kubelet.logs.chunk', text: formatForKubectl(line, timestamps) } satisfies LogsChunk));
  } catch (err) {
    host.logger.debug({ err: String(err) }, 'log follow ended');
  } finally {
    host.bus.publish(inbox, new Uint8Array(0));
  }
}
