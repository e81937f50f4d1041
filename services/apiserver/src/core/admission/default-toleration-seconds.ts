// DefaultTolerationSeconds (Kubernetes' plugin of that name): every new pod tolerates the
// not-ready and unreachable NoExecute taints for 300 s unless it already tolerates them, so taint
// based eviction waits five minutes before evicting pods from a failed node.

import type { KubeObject } from '@skiff/api';
import { recordAt } from '../meta.js';
import { isCore, type AdmissionAttributes, type AdmissionPlugin } from './admission.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const DEFAULT_TOLERATION_SECONDS = 300;

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

function tolerates(list: readonly Toleration[], key: string): boolean {
  return list.some((t) => ((t.key ?? '') === key || (t.key ?? '') === '') && ((t.effect ?? '') === 'NoExecute' || (t.effect ?? '') === ''));
}

/** Adds the two default tolerations to a pod spec where missing. */
export function addDefaultTolerations(pod: KubeObject, seconds = DEFAULT_TOLERATION_SECONDS): void {
  const spec = recordAt(pod, 'spec');
  const tolerations = Array.isArray(spec['tolerations']) ? [...(spec['tolerations'] as Toleration[])] : [];
  const add = (key: string) => tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  const notReady = tolerates(tolerations, TAINT_NOT_READY);
  const unreachable = tolerates(tolerations, TAINT_UNREACHABLE);
  if (notReady && unreachable) return;
  if (!notReady) add(TAINT_NOT_READY);
  if (!unreachable) add(TAINT_UNREACHABLE);
  pod['spec'] = { ...spec, tolerations };
}

export const defaultTolerationSeconds: AdmissionPlugin = {
  name: 'DefaultTolerationSeconds',
  admit(attrs: AdmissionAttributes): void {
    if (attrs.operation === 'CREATE' && isCore(attrs, 'pods') && attrs.object !== undefined) addDefaultTolerations(attrs.object);
  },
};
