// SetDefaults for pods and pod templates (pkg/apis/core/v1/defaults.go) beyond the unconditional
// schema defaults (restartPolicy, dnsPolicy, probe thresholds, ...), which Value.Default applies.
import type { Container } from '../schema/container.schema.js';
import type { PodSpec } from '../schema/pod.schema.js';
import { asRecord } from '../validation/common.js';

/** The tag of an image reference: "latest" when absent, "" when only a digest pins it. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const hasDigest = at >= 0;
  const name = hasDigest ? image.slice(0, at) : image;
  const last = name.slice(name.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  if (colon >= 0) return last.slice(colon + 1);
  return hasDigest ? '' : 'latest';
}

/** SetDefaults_Container: imagePullPolicy Always for :latest (or no tag), IfNotPresent otherwise. */
export function defaultContainer(c: Container): void {
  if (typeof c !== 'object' || c === null) return;
  if (c.imagePullPolicy === undefined || (c.imagePullPolicy as string) === '') {
    c.imagePullPolicy = typeof c.image === 'string' && c.image !== '' && imageTag(c.image) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  // SetDefaults_Pod: a resource with a limit and no request requests its limit.
  const res = asRecord(c.resources);
  const limits = asRecord(res.limits);
  if (Object.keys(limits).length > 0) {
    const requests = asRecord(res.requests);
    for (const [name, q] of Object.entries(limits)) if (requests[name] === undefined) requests[name] = q;
    res.requests = requests;
  }
}

/** The conditional parts of SetDefaults_PodSpec and SetDefaults_Volume. */
export function defaultPodSpec(spec: PodSpec | undefined): void {
  if (typeof spec !== 'object' || spec === null) return;
  const containers = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])];
  for (const c of containers) defaultContainer(c);
  if (spec.hostNetwork === true) {
    for (const c of containers) for (const port of Array.isArray(c.ports) ? c.ports : []) if (!port.hostPort) port.hostPort = port.containerPort;
  }
  // serviceAccount is the deprecated alias of serviceAccountName; v1 keeps both in step.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const vol of Array.isArray(spec.volumes) ? spec.volumes : []) {
    const sources = Object.keys(vol).filter((k) => k !== 'name');
    if (sources.length === 0) vol.emptyDir = {};
  }
}
