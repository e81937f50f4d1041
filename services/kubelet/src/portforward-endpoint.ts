// Adapter: `kubelet.<node>.portforward`, the kubelet's port-forward handler over NATS (what the
// apiserver's pods/portforward proxies to; request in @skiff/client kubelet-portforward-protocol.ts).
// Each request is one forwarded connection: dial the pod sandbox's IP (Kubernetes' kubelet dials
// inside the pod's network namespace; a Skiff pod owns a 127.x address) and stream the socket as an
// exec session (exec-endpoint.ts openSession: credit window, pings, cancel), so a slow client
// slows the socket down instead of filling memory.
import { connect, type Socket } from 'node:net';
import type { ServiceHost } from '@skiff/actors';
import { EndpointError, errorReply, type Endpoint, type Msg } from '@skiff/bus';
import { isPortForwardRequestMessage, type PortForwardRequestMessage } from '@skiff/client';
import { KubernetesPodUIDLabel, type ContainerRuntime, type ExecSession } from '@skiff/kubelet';
import { openSession, type PodSource } from './exec-endpoint.js';

export async function servePortForward(host: ServiceHost, nodeName: string, cri: ContainerRuntime, pods: PodSource): Promise<Endpoint> {
  return host.addEndpoint<PortForwardRequestMessage>(
    'portforward',
    host.subjects.kubelet(nodeName, 'portforward'),
    async (req, msg: Msg): Promise<{ readonly type: string }> => {
      const inbox = msg.reply;
      if (inbox === undefined) return errorReply('BadRequest', 'portforward needs a reply inbox (Bus.requestStream)');
      const { uid, ip } = await podAddress(cri, pods, req);
      const socket = await dial(ip, req.port).catch((err: unknown) => {
        // Kubernetes' kubelet: "error forwarding port %d to pod %s, uid %v: %v" (kubectl prints it after "an error occurred forwarding").
        throw new EndpointError('BadRequest', `error forwarding port ${req.port} to pod ${req.namespace}/${req.pod}, uid ${uid}: ${dialError(ip, req.port, err)}`);
      });
      return openSession(host, inbox, socketSession(socket), { namespace: req.namespace, pod: req.pod, container: '', stdin: true, stdout: true, stderr: false });
    },
    { guard: isPortForwardRequestMessage },
  );
}

async function podAddress(cri: ContainerRuntime, pods: PodSource, req: PortForwardRequestMessage): Promise<{ uid: string; ip: string }> {
  const pod = pods.pods().find((p) => p.metadata.namespace === req.namespace && p.metadata.name === req.pod);
  if (pod === undefined) throw new EndpointError('NotFound', `pod ${req.namespace}/${req.pod} is not running on this node`);
  const uid = pod.metadata.uid ?? '';
  const sandboxes = await cri.listPodSandbox({ state: 'SANDBOX_READY', labelSelector: { [KubernetesPodUIDLabel]: uid } });
  const newest = [...sandboxes].sort((a, b) => b.metadata.attempt - a.metadata.attempt)[0];
  if (newest === undefined) throw new EndpointError('BadRequest', `pod ${req.namespace}/${req.pod} has no running sandbox`);
  const ip = (await cri.podSandboxStatus(newest.id)).network.ip;
  // A host-network pod has no address of its own: its ports are the node's.
  return { uid, ip: ip === '' ? '127.0.0.1' : ip };
}

function dial(ip: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: ip, port });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Go's net.Dial wording, as kubectl users know it. */
function dialError(ip: string, port: number, err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const why = code === 'ECONNREFUSED' ? 'connect: connection refused' : code === 'ETIMEDOUT' ? 'i/o timeout' : String(err);
  return `dial tcp4 ${ip}:${port}: ${why}`;
}

/** A connected socket as the exec stream sees a command: stdout is what the pod sends, stdin what it receives. */
export function socketSession(socket: Socket): ExecSession {
  socket.on('error', () => undefined); // a reset ends the reads below; the session reports it as the end
  const exit = new Promise<number>((resolve) => socket.once('close', () => resolve(0)));
  return {
    stdout: reads(socket),
    stderr: (async function* () {})(),
    writeStdin: (data) =>
      new Promise((resolve) => {
        if (socket.destroyed || !socket.writable) return resolve();
        socket.write(data, () => resolve());
      }),
    closeStdin: () => socket.end(),
    resize: () => undefined,
    kill: () => socket.destroy(),
    exit,
  };
}

/** The socket's bytes, pulled (a paused socket reads no further); a reset ends them like a close. */
async function* reads(socket: Socket): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of socket) yield chunk as Buffer;
  } catch {
    socket.destroy();
  }
}
