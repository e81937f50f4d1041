// Adapter: `kubelet.<node>.attach`, the kubelet's attach handler over NATS (what the apiserver's
// pods/attach proxies to; the request is drawn in @skiff/client kubelet-attach-protocol.ts). The
// container's own stdio comes from the runtime (CRI Attach) and streams exactly as an exec does
// (exec-endpoint.ts openSession): the same credit window, pings and cancel. A cancel or a silent
// apiserver detaches; the container runs on.
import type { ServiceHost } from '@skiff/actors';
import { EndpointError, errorReply, type Endpoint, type Msg } from '@skiff/bus';
import { isAttachRequestMessage, type AttachRequestMessage } from '@skiff/client';
import { CriError, type ContainerRuntime } from '@skiff/kubelet';
import { openSession, runningContainer, type PodSource } from './exec-endpoint.js';

export async function serveAttach(host: ServiceHost, nodeName: string, cri: ContainerRuntime, pods: PodSource): Promise<Endpoint> {
  return host.addEndpoint<AttachRequestMessage>(
    'attach',
    host.subjects.kubelet(nodeName, 'attach'),
    async (req, msg: Msg): Promise<{ readonly type: string }> => {
      const inbox = msg.reply;
      if (inbox === undefined) return errorReply('BadRequest', 'attach needs a reply inbox (Bus.requestStream)');
      const id = await runningContainer(cri, pods, req);
      const session = await cri.attach(id, { stdin: req.stdin, tty: req.tty }).catch((err: unknown) => {
        if (err instanceof CriError && (err.code === 'FailedPrecondition' || err.code === 'NotFound')) throw new EndpointError('BadRequest', err.message);
        throw err;
      });
      return openSession(host, inbox, session, req);
    },
    { guard: isAttachRequestMessage },
  );
}
