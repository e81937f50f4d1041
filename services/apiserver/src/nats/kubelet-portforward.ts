// pods/portforward through the pod's kubelet: `kubelet.<node>.portforward` over NATS, one request per
// forwarded connection (protocol in @skiff/client kubelet-portforward-protocol.ts); the connection
// then flows as an exec stream with its credit windows.
import type { PortForwardRequestMessage } from '@skiff/client';
import type { Bus } from '@skiff/bus';
import type { Clock } from '@skiff/core';
import type { PodPortForwardSource } from '../core/subresources/portforward.js';
import { openKubeletStream } from './kubelet-exec.js';

export function kubeletPodPortForward(bus: Bus, cluster: string, clock: Clock): PodPortForwardSource {
  return (target, port) => {
    const request: PortForwardRequestMessage = { v: 1, type: 'kubelet.portforward', namespace: target.namespace, pod: target.pod, port };
    return openKubeletStream(bus, clock, `skiff.${cluster}.kubelet.${target.node}.portforward`, request, target.node);
  };
}
