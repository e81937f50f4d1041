// What the Service registry does to cluster IPs and node ports on create and update
// (pkg/registry/core/service: NormalizeClusterIPs, patchAllocatedValues).
import type { Service } from '../schema/core.schema.js';

const needsClusterIP = (s: Service): boolean => s.spec?.type !== 'ExternalName';
const needsNodePort = (s: Service): boolean => s.spec?.type === 'NodePort' || s.spec?.type === 'LoadBalancer';

/** clusterIP and clusterIPs[0] stay equal: whichever the user set fills the other. */
export function normalizeClusterIPs(svc: Service, old: Service | undefined): void {
  const spec = svc.spec;
  if (spec === undefined || !needsClusterIP(svc)) return;
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP && ips.length === 0) spec.clusterIPs = [spec.clusterIP];
  else if (!spec.clusterIP && ips.length > 0 && ips[0] !== undefined) spec.clusterIP = ips[0];
  else if (old !== undefined && spec.clusterIP && old.spec?.clusterIP !== spec.clusterIP && ips[0] === old.spec?.clusterIP) {
    // The user changed clusterIP only: clusterIPs follows, and validation reports the change.
    spec.clusterIPs = [spec.clusterIP, ...ips.slice(1)];
  }
}

/** An update that leaves out allocated values keeps them (kubectl apply of a manifest without clusterIP). */
export function patchAllocatedServiceValues(svc: Service, old: Service): void {
  const spec = svc.spec;
  const prev = old.spec;
  if (spec === undefined || prev === undefined) return;
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!spec.clusterIP && prev.clusterIP) spec.clusterIP = prev.clusterIP;
    if ((spec.clusterIPs ?? []).length === 0 && (prev.clusterIPs ?? []).length > 0) spec.clusterIPs = [...(prev.clusterIPs ?? [])];
    if (spec.ipFamilies === undefined && prev.ipFamilies !== undefined) spec.ipFamilies = [...prev.ipFamilies];
    if (spec.ipFamilyPolicy === undefined && prev.ipFamilyPolicy !== undefined) spec.ipFamilyPolicy = prev.ipFamilyPolicy;
  }
  if (needsNodePort(old) && needsNodePort(svc)) {
    const used = new Set((spec.ports ?? []).map((p) => p.nodePort).filter((n) => n));
    const byName = new Map((prev.ports ?? []).map((p) => [p.name ?? '', p.nodePort]));
    for (const port of spec.ports ?? []) {
      if (port.nodePort) continue;
      const oldValue = byName.get(port.name ?? '');
      if (oldValue && !used.has(oldValue)) port.nodePort = oldValue;
    }
    if (!spec.healthCheckNodePort && prev.healthCheckNodePort) spec.healthCheckNodePort = prev.healthCheckNodePort;
  }
}
