// The attach stream between the apiserver and a kubelet over NATS (`kubelet.<node>.attach`, what
// pods/attach proxies to). Only the request differs from exec: it names no command, and the
// session then speaks exactly the exec stream (kubelet-exec-protocol.ts: opened, output, ack,
// stdin, resize, ping, cancel). Its `exit` always carries 0: attach ends with Success whatever the
// container's exit code (Kubernetes' kubelet ServeAttach); kubectl reads that code from the pod.
import { guardOf, type Envelope, type Guard } from '@skiff/bus';

export interface AttachRequestMessage extends Envelope {
  readonly type: 'kubelet.attach';
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

export const isAttachRequestMessage: Guard<AttachRequestMessage> = guardOf<AttachRequestMessage>('kubelet.attach', {
  namespace: 'string',
  pod: 'string',
  container: 'string',
  stdin: 'boolean',
  stdout: 'boolean',
  stderr: 'boolean',
  tty: 'boolean',
});
