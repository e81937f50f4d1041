// Service validation (ValidateService, ValidateServiceUpdate in pkg/apis/core/validation).
import { duplicate, FieldPath, forbidden, goQuote, invalid, notSupported, required, type FieldError } from '../field-error.js';
import type { Service, ServicePort } from '../schema/core.schema.js';
import { validateDNS1123Label, validatePortNumOrName } from './common.js';
import { isDNS1123Subdomain, isValidIP, isValidPortNum, invalidIPMessage, nameIsDNS1035Label } from './names.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.validation.js';

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const maxClientIPAffinitySeconds = 86400;

function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

/** A ServicePort key printed as Go's %#v prints core.ServicePort{Protocol, Port}. */
function goServicePortKey(protocol: string, port: number): string {
  return `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !sp.name) errs.push(required(path.child('name')));
  else if (sp.name) {
    errs.push(...validateDNS1123Label(sp.name, path.child('name')));
    if (names.has(sp.name)) errs.push(duplicate(path.child('name'), sp.name));
    else names.add(sp.name);
  }
  for (const msg of isValidPortNum(sp.port)) errs.push(invalid(path.child('port'), sp.port, msg));
  if (sp.protocol !== undefined && !protocols.includes(sp.protocol)) errs.push(notSupported(path.child('protocol'), sp.protocol, protocols));
  if (sp.targetPort !== undefined) errs.push(...validatePortNumOrName(sp.targetPort, path.child('targetPort')));
  return errs;
}

function validateTypeSpecific(svc: Service, path: FieldPath): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  const first = spec.clusterIPs?.[0] ?? spec.clusterIP ?? '';
  switch (spec.type) {
    case 'LoadBalancer':
    case 'NodePort':
      if (isHeadless(svc)) errs.push(invalid(path.child('clusterIPs').index(0), first, `may not be set to 'None' for ${spec.type} services`));
      break;
    case 'ExternalName': {
      if ((spec.clusterIPs ?? []).length > 0 || spec.clusterIP) errs.push(forbidden(path.child('clusterIPs'), 'may not be set for ExternalName services'));
      if ((spec.ipFamilies ?? []).length > 0) errs.push(forbidden(path.child('ipFamilies'), 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy !== undefined) errs.push(forbidden(path.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
      const cname = (spec.externalName ?? '').replace(/\.$/, '');
      if (cname === '') errs.push(required(path.child('externalName')));
      else for (const msg of isDNS1123Subdomain(cname)) errs.push(invalid(path.child('externalName'), cname, msg));
      break;
    }
  }
  return errs;
}

function validateClusterIPs(svc: Service, path: FieldPath): FieldError[] {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? [];
  const field = path.child('clusterIPs');
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(required(field));
    else if (ips[0] !== spec.clusterIP) errs.push(invalid(field, ips, 'first value must match `clusterIP`'));
  } else if (ips.length > 0) {
    errs.push(invalid(field, ips, 'must be empty when `clusterIP` is not specified'));
  }
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) errs.push(invalid(field, ips, "'None' must be the first and only value"));
      return;
    }
    if (!isValidIP(ip)) errs.push(invalid(field.index(i), ip, invalidIPMessage));
  });
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(path.child('ipFamilies').index(i), f, ['IPv4', 'IPv6']));
  });
  const policy = spec.ipFamilyPolicy;
  if (policy !== undefined && !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(policy)) {
    errs.push(notSupported(path.child('ipFamilyPolicy'), policy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  return errs;
}

function validateSessionAffinity(svc: Service, path: FieldPath): FieldError[] {
  const spec = svc.spec ?? {};
  const affinity = spec.sessionAffinity;
  if (affinity === undefined) return [];
  if (affinity !== 'ClientIP' && affinity !== 'None') return [notSupported(path.child('sessionAffinity'), affinity, ['ClientIP', 'None'])];
  const cp = path.child('sessionAffinityConfig');
  if (affinity === 'None') return spec.sessionAffinityConfig !== undefined ? [forbidden(cp, 'must not be set when session affinity is None')] : [];
  const why = 'when session affinity type is ClientIP';
  if (spec.sessionAffinityConfig === undefined) return [required(cp, why)];
  if (spec.sessionAffinityConfig.clientIP === undefined) return [required(cp.child('clientIP'), why)];
  const timeout = spec.sessionAffinityConfig.clientIP.timeoutSeconds;
  if (timeout === undefined) return [required(cp.child('clientIP', 'timeoutSeconds'), why)];
  return timeout <= 0 || timeout > maxClientIPAffinitySeconds
    ? [invalid(cp.child('clientIP', 'timeoutSeconds'), timeout, `must be greater than 0 and less than ${maxClientIPAffinitySeconds}`)]
    : [];
}

function validatePortsAcrossService(svc: Service, path: FieldPath): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  const ports = spec.ports ?? [];
  const pp = path.child('ports');
  const nodePorts = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((port, i) => {
    if (spec.type === 'ClusterIP' && port.nodePort) errs.push(forbidden(pp.index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    if (port.nodePort) {
      const key = `${port.protocol ?? 'TCP'}/${port.nodePort}`;
      if (nodePorts.has(key)) errs.push(duplicate(pp.index(i).child('nodePort'), port.nodePort));
      nodePorts.add(key);
    }
    const key = `${port.protocol ?? 'TCP'}/${port.port}`;
    if (keys.has(key)) errs.push(duplicate(pp.index(i), { protocol: port.protocol, port: port.port }, goServicePortKey(port.protocol ?? 'TCP', port.port)));
    keys.add(key);
  });
  return errs;
}

function validateTrafficPolicy(svc: Service, path: FieldPath): FieldError[] {
  const spec = svc.spec ?? {};
  const policy = spec.externalTrafficPolicy;
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (!external) return policy !== undefined ? [invalid(path.child('externalTrafficPolicy'), policy, 'may only be set for externally-accessible services')] : [];
  if (policy === undefined) return [required(path.child('externalTrafficPolicy'))];
  return policy === 'Cluster' || policy === 'Local' ? [] : [notSupported(path.child('externalTrafficPolicy'), policy, ['Cluster', 'Local'])];
}

export function validateService(svc: Service, old?: Service): FieldError[] {
  const errs = old === undefined ? validateObjectMeta(svc.metadata, { namespaced: true, nameFn: nameIsDNS1035Label }) : validateObjectMetaUpdate(svc.metadata, old.metadata);
  if (old !== undefined) errs.push(...validateClusterIPsUpdate(svc, old));
  const spec = svc.spec ?? {};
  const path = FieldPath.root('spec');
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(svc) && spec.type !== 'ExternalName') errs.push(required(path.child('ports')));
  errs.push(...validateTypeSpecific(svc, path));
  const names = new Set<string>();
  ports.forEach((port, i) => errs.push(...validateServicePort(port, ports.length > 1, names, path.child('ports').index(i))));
  errs.push(...validateLabels(spec.selector, path.child('selector')));
  errs.push(...validateSessionAffinity(svc, path));
  errs.push(...validateClusterIPs(svc, path));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (!isValidIP(ip)) errs.push(invalid(path.child('externalIPs').index(i), ip, invalidIPMessage));
  });
  if (spec.type !== undefined && !serviceTypes.includes(spec.type)) errs.push(notSupported(path.child('type'), spec.type, serviceTypes));
  errs.push(...validatePortsAcrossService(svc, path));
  errs.push(...validateTrafficPolicy(svc, path));
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: an allocated cluster IP never changes (unless to/from ExternalName). */
function validateClusterIPsUpdate(svc: Service, old: Service): FieldError[] {
  if (svc.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return [];
  const next = svc.spec?.clusterIPs ?? [];
  const prev = old.spec?.clusterIPs ?? [];
  if (next.length === 0 || prev.length === 0) return [];
  const errs: FieldError[] = [];
  prev.forEach((ip, i) => {
    if (next.length > i && next[i] !== ip) errs.push(invalid(FieldPath.root('spec').child('clusterIPs').index(i), next, 'may not change once set'));
  });
  return errs;
}

