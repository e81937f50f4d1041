// Validation of the core/v1 kinds other than Pod and Service.
import { duplicate, FieldPath, forbidden, goQuote, invalid, notSupported, required, type FieldError } from '../field-error.js';
import { compareQuantities, parseQuantityNanos, quantityFormatMessage } from '../quantity.js';
import type { ConfigMap, Endpoints, Event, LimitRange, Namespace, Node, ResourceQuota, Secret, ServiceAccount, Taint } from '../schema/core.schema.js';
import type { KubeObject } from '../types.js';
import { asRecord, deepEqual, validateDNS1123Label } from './common.js';
import { isConfigMapKey, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidLabelValue, isValidPortNum, invalidIPMessage, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { tooLongBytes, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.validation.js';
import { validateLabelName, validateTaintEffect } from './scheduling.validation.js';

export const maxSecretSizeBytes = 1024 * 1024;

function meta(obj: { metadata?: KubeObject['metadata'] }, old: { metadata?: KubeObject['metadata'] } | undefined, namespaced: boolean, nameFn = nameIsDNSSubdomain): FieldError[] {
  return old === undefined ? validateObjectMeta(obj.metadata, { namespaced, nameFn }) : validateObjectMetaUpdate(obj.metadata, old.metadata);
}

export function validateNamespace(ns: Namespace, old?: Namespace): FieldError[] {
  const errs = meta(ns, old, false, nameIsDNSLabel);
  (ns.spec?.finalizers ?? []).forEach((f) => {
    for (const msg of isQualifiedName(f)) errs.push(invalid(FieldPath.root('spec').child('finalizers'), f, msg));
  });
  return errs;
}

function goTaint(t: Taint): string {
  return `core.Taint{Key:${goQuote(t.key)}, Value:${goQuote(t.value ?? '')}, Effect:${goQuote(t.effect)}, TimeAdded:<nil>}`;
}

export function validateTaints(taints: readonly Taint[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const p = path.index(i);
    errs.push(...validateLabelName(t.key, p.child('key')));
    const valueErrs = isValidLabelValue(t.value ?? '');
    if (valueErrs.length > 0) errs.push(invalid(p.child('value'), t.value ?? '', valueErrs.join(';')));
    errs.push(...validateTaintEffect(t.effect, false, p.child('effect')));
    const key = `${t.effect}\u0000${t.key}`;
    if (seen.has(key)) {
      errs.push(duplicate(p, t, goTaint(t), 'taints must be unique by key and effect pair'));
      return;
    }
    seen.add(key);
  });
  return errs;
}

function isCIDR(value: string): boolean {
  const [ip, bits, extra] = value.split('/');
  if (ip === undefined || bits === undefined || extra !== undefined || !/^\d{1,3}$/.test(bits)) return false;
  return isValidIP(ip) && Number(bits) <= (ip.includes(':') ? 128 : 32);
}

export function validateNode(node: Node, old?: Node): FieldError[] {
  const errs = meta(node, old, false);
  const spec = node.spec ?? {};
  const path = FieldPath.root('spec');
  errs.push(...validateTaints(spec.taints, path.child('taints')));
  (spec.podCIDRs ?? []).forEach((c, i) => {
    if (!isCIDR(c)) errs.push(invalid(path.child('podCIDRs').index(i), c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  if (old !== undefined) {
    const prevCIDRs = old.spec?.podCIDRs ?? [];
    if (prevCIDRs.length > 0 && !deepEqual(prevCIDRs, spec.podCIDRs ?? [])) {
      errs.push(forbidden(path.child('podCIDRs'), 'node updates may not change podCIDR except from "" to valid'));
    }
    const prevID = old.spec?.providerID;
    if (prevID && prevID !== spec.providerID) errs.push(forbidden(path.child('providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

function byteLength(value: string, base64: boolean): number {
  return base64 ? Buffer.from(value, 'base64').length : Buffer.byteLength(value);
}

function validateDataKeys(data: Record<string, string> | undefined, path: FieldPath, base64: boolean): { errs: FieldError[]; size: number } {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(data ?? {})) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(path.key(key), key, msg));
    size += byteLength(value, base64);
  }
  return { errs, size };
}

function validateImmutableData(obj: { immutable?: boolean; data?: unknown; binaryData?: unknown }, old: { immutable?: boolean; data?: unknown; binaryData?: unknown } | undefined): FieldError[] {
  if (old?.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  if (!deepEqual(obj.data, old.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
  if (!deepEqual(obj.binaryData, old.binaryData)) errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  return errs;
}

export function validateConfigMap(cm: ConfigMap, old?: ConfigMap): FieldError[] {
  const errs = meta(cm, old, true);
  const data = validateDataKeys(cm.data, FieldPath.root('data'), false);
  const binary = validateDataKeys(cm.binaryData, FieldPath.root('binaryData'), true);
  errs.push(...data.errs, ...binary.errs);
  for (const key of Object.keys(cm.data ?? {})) {
    if (cm.binaryData?.[key] !== undefined) errs.push(invalid(FieldPath.root('data').key(key), key, 'duplicate of key present in binaryData'));
  }
  for (const key of Object.keys(cm.binaryData ?? {})) {
    if (cm.data?.[key] !== undefined) errs.push(invalid(FieldPath.root('binaryData').key(key), key, 'duplicate of key present in data'));
  }
  if (data.size + binary.size > maxSecretSizeBytes) errs.push(tooLongBytes('', maxSecretSizeBytes));
  errs.push(...validateImmutableData(cm, old));
  return errs;
}

const requiredSecretKeys: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

export function validateSecret(secret: Secret, old?: Secret): FieldError[] {
  const errs = meta(secret, old, true);
  const dataPath = FieldPath.root('data');
  const data = validateDataKeys(secret.data, dataPath, true);
  errs.push(...data.errs);
  if (data.size > maxSecretSizeBytes) errs.push(tooLongBytes(dataPath, maxSecretSizeBytes));
  const type = secret.type ?? 'Opaque';
  if (type === 'kubernetes.io/service-account-token' && !secret.metadata.annotations?.['kubernetes.io/service-account.name']) {
    errs.push(required(FieldPath.root('metadata').child('annotations').key('kubernetes.io/service-account.name')));
  }
  for (const key of requiredSecretKeys[type] ?? []) if (secret.data?.[key] === undefined) errs.push(required(dataPath.key(key)));
  if (type === 'kubernetes.io/basic-auth' && secret.data?.username === undefined && secret.data?.password === undefined) {
    errs.push(required(dataPath.key('username')), required(dataPath.key('password')));
  }
  if (old !== undefined) {
    if ((old.type ?? 'Opaque') !== type) errs.push(invalid('type', type, 'field is immutable'));
    errs.push(...validateImmutableData(secret, old));
  }
  return errs;
}

export function validateServiceAccount(sa: ServiceAccount, old?: ServiceAccount): FieldError[] {
  return meta(sa, old, true);
}

export function validateEvent(ev: Event, old?: Event): FieldError[] {
  const errs = meta(ev, old, true);
  const ns = ev.metadata.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  if (ev.eventTime === undefined) {
    const mismatch = involvedNs === '' ? ns !== '' && ns !== 'default' : ns !== involvedNs;
    if (mismatch) errs.push(invalid(FieldPath.root('involvedObject').child('namespace'), involvedNs, 'does not match event.namespace'));
  }
  if (old !== undefined && !deepEqual(ev.involvedObject, old.involvedObject)) {
    errs.push(invalid('involvedObject', ev.involvedObject, 'field is immutable', 'core.ObjectReference{...}'));
  }
  return errs;
}

function validateQuantities(list: Record<string, unknown> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, q] of Object.entries(list ?? {})) {
    const nanos = parseQuantityNanos(q);
    if (nanos === undefined) errs.push(invalid(path.key(name), q, quantityFormatMessage));
    else if (nanos < 0n) errs.push(invalid(path.key(name), String(q), 'must be greater than or equal to 0'));
  }
  return errs;
}

export function validateLimitRange(lr: LimitRange, old?: LimitRange): FieldError[] {
  const errs = meta(lr, old, true);
  const path = FieldPath.root('spec').child('limits');
  (lr.spec?.limits ?? []).forEach((item, i) => {
    const p = path.index(i);
    if (!['Pod', 'Container', 'PersistentVolumeClaim'].includes(item.type)) errs.push(notSupported(p.child('type'), item.type, ['Container', 'PersistentVolumeClaim', 'Pod']));
    for (const key of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const) errs.push(...validateQuantities(item[key], p.child(key)));
    for (const [name, min] of Object.entries(item.min ?? {})) {
      const max = item.max?.[name];
      if (max !== undefined && (compareQuantities(min, max) ?? 0) > 0) {
        errs.push(invalid(p.child('min').key(name), String(min), `min value ${String(min)} is greater than max value ${String(max)}`));
      }
    }
  });
  return errs;
}

export function validateResourceQuota(rq: ResourceQuota, old?: ResourceQuota): FieldError[] {
  const errs = meta(rq, old, true);
  errs.push(...validateQuantities(rq.spec?.hard, FieldPath.root('spec').child('hard')));
  errs.push(...validateQuantities(rq.status?.hard, FieldPath.root('status').child('hard')));
  errs.push(...validateQuantities(rq.status?.used, FieldPath.root('status').child('used')));
  return errs;
}

export function validateEndpoints(ep: Endpoints, old?: Endpoints): FieldError[] {
  const errs = meta(ep, old, true);
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = FieldPath.root('subsets').index(i);
    const addresses = [...(ss.addresses ?? []).map((a, j) => [a, p.child('addresses').index(j)] as const), ...(ss.notReadyAddresses ?? []).map((a, j) => [a, p.child('notReadyAddresses').index(j)] as const)];
    for (const [addr, ap] of addresses) {
      if (!isValidIP(addr.ip)) errs.push(invalid(ap.child('ip'), addr.ip, invalidIPMessage));
      if (addr.hostname) errs.push(...validateDNS1123Label(addr.hostname, ap.child('hostname')));
      if (addr.nodeName) for (const msg of isDNS1123Subdomain(addr.nodeName)) errs.push(invalid(ap.child('nodeName'), addr.nodeName, msg));
    }
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => {
      const pp = p.child('ports').index(j);
      if (ports.length > 1 && !port.name) errs.push(required(pp.child('name')));
      else if (port.name) errs.push(...validateDNS1123Label(port.name, pp.child('name')));
      for (const msg of isValidPortNum(port.port)) errs.push(invalid(pp.child('port'), port.port, msg));
      if (port.protocol !== undefined && !['SCTP', 'TCP', 'UDP'].includes(port.protocol)) errs.push(notSupported(pp.child('protocol'), port.protocol, ['SCTP', 'TCP', 'UDP']));
    });
  });
  return errs;
}

/** Binding (pods/binding): the target must name a Node. */
export function validateBinding(binding: KubeObject): FieldError[] {
  const target = asRecord(binding.target);
  const errs: FieldError[] = [];
  if (typeof target.kind === 'string' && target.kind !== '' && target.kind !== 'Node') {
    errs.push(invalid(FieldPath.root('target').child('kind'), target.kind, "must be empty or 'Node'"));
  }
  if (typeof target.name !== 'string' || target.name === '') errs.push(required(FieldPath.root('target').child('name')));
  return errs;
}

