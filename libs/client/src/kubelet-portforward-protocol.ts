// The port-forward stream between the apiserver and a kubelet over NATS (`kubelet.<node>.portforward`,
// what pods/portforward proxies to). One request per forwarded connection: the kubelet dials the
// pod's IP at `port` and answers `kubelet.exec.opened`, or an error reply whose message kubectl
// prints. The session then speaks the exec stream (kubelet-exec-protocol.ts): `stdin` carries bytes
// to the pod, `output` (stdout) bytes from it, `stdin.close` half-closes the connection, `cancel`
// resets it, and `exit` 0 says the pod closed its side and everything was delivered.
import { guardOf, type Envelope, type Guard } from '@skiff/bus';

export interface PortForwardRequestMessage extends Envelope {
  readonly type: 'kubelet.portforward';
  readonly namespace: string;
  readonly pod: string;
  readonly port: number;
}

export const isPortForwardRequestMessage: Guard<PortForwardRequestMessage> = (env): env is PortForwardRequestMessage =>
  guardOf<PortForwardRequestMessage>('kubelet.portforward', { namespace: 'string', pod: 'string', port: 'integer' })(env) && env.port >= 1 && env.port <= 65535;
