// pods/attach through the pod's kubelet: `kubelet.<node>.attach` over NATS. Only the request
// differs from exec (@skiff/client kubelet-attach-protocol.ts); the session is the exec stream.
import type { AttachRequestMessage } from '@skiff/client';
import type { Bus } from '@skiff/bus';
import type { Clock } from '@skiff/core';
import type { PodAttachSource } from '../core/subresources/attach.js';
import { openKubeletStream } from './kubelet-exec.js';

export function kubeletPodAttach(bus: Bus, cluster: string, clock: Clock): PodAttachSource {
  return (target) => {
    const request: AttachRequestMessage = { v: 1, type: 'kubelet.attach', ...target };
    return openKubeletStream(bus, clock, `skiff.${cluster}.kubelet.${target.node}.attach`, request, target.node);
  };
}
