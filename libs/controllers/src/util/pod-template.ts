// controller.GetPodFromTemplate: a pod for a controller, from its template, owned by it.
// Names are generated here (not by the server) so events can name the pod: `<owner>-<5 random>`,
// with the randomness injected.
import { generateName, isDNS1123Subdomain } from '@skiff/apimachinery';
import type { Pod, PodTemplateSpec } from '@skiff/api';
import type { Random } from '@skiff/core';
import type { OwnerReference } from './controller-ref.js';
import { clone } from './equal.js';

/** getPodsPrefix: `<name>-` when that is a valid generateName, else the name alone. */
export function podNamePrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  return isDNS1123Subdomain(`${prefix}a`).length === 0 ? prefix : controllerName;
}

export function podFromTemplate(
  template: PodTemplateSpec | undefined,
  namespace: string,
  controllerName: string,
  controllerRef: OwnerReference | undefined,
  random: Pick<Random, 'int'>,
): Pod {
  const prefix = podNamePrefix(controllerName);
  const meta = template?.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: generateName(prefix, random),
      generateName: prefix,
      namespace,
      labels: { ...(meta.labels ?? {}) },
    },
    spec: clone(template?.spec ?? { containers: [] }),
  };
  if (meta.annotations !== undefined) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers !== undefined) pod.metadata.finalizers = [...meta.finalizers];
  if (controllerRef !== undefined) pod.metadata.ownerReferences = [{ ...controllerRef }];
  return pod;
}
