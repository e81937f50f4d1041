// Container validation (pkg/apis/core/validation: validateContainerCommon and friends).
import { duplicate, FieldPath, forbidden, invalid, notFound, notSupported, required, type FieldError } from '../field-error.js';
import { compareQuantities, parseQuantityNanos, quantityFormatMessage } from '../quantity.js';
import type { Container, EnvVar, LifecycleHandler, Probe, ResourceRequirements } from '../schema/container.schema.js';
import { validateDNS1123Label, validateNonnegative, validatePortNumOrName } from './common.js';
import { isConfigMapKey, isEnvVarName, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.js';

const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];
const supportedPullPolicies = ['Always', 'IfNotPresent', 'Never'];
const supportedHTTPSchemes = ['HTTP', 'HTTPS'];
const downwardAPIEnvFieldPaths = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

export function validateContainerPorts(ports: Container['ports'], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = path.index(i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length > 0) for (const msg of msgs) errs.push(invalid(p.child('name'), port.name, msg));
      else if (names.has(port.name)) errs.push(duplicate(p.child('name'), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(p.child('containerPort')));
    else for (const msg of isValidPortNum(port.containerPort)) errs.push(invalid(p.child('containerPort'), port.containerPort, msg));
    if (port.hostPort) for (const msg of isValidPortNum(port.hostPort)) errs.push(invalid(p.child('hostPort'), port.hostPort, msg));
    if (port.protocol !== undefined && !supportedPortProtocols.includes(port.protocol)) {
      errs.push(notSupported(p.child('protocol'), port.protocol, supportedPortProtocols));
    }
  });
  return errs;
}

function validateKeySelector(ref: { name?: string; key: string }, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!ref.name) errs.push(required(path.child('name')));
  else for (const msg of nameIsDNSSubdomain(ref.name, false)) errs.push(invalid(path.child('name'), ref.name, msg));
  if (!ref.key) errs.push(required(path.child('key')));
  else for (const msg of isConfigMapKey(ref.key)) errs.push(invalid(path.child('key'), ref.key, msg));
  return errs;
}

function validateFieldRef(ref: { apiVersion?: string; fieldPath: string }, path: FieldPath): FieldError[] {
  if (!ref.apiVersion) return [required(path.child('apiVersion'))];
  if (!ref.fieldPath) return [required(path.child('fieldPath'))];
  const subscripted = /^(metadata\.(?:labels|annotations))\['(.+)'\]$/.exec(ref.fieldPath);
  if (subscripted !== null) return [];
  if (!downwardAPIEnvFieldPaths.includes(ref.fieldPath)) return [notSupported(path.child('fieldPath'), ref.fieldPath, downwardAPIEnvFieldPaths)];
  return [];
}

function validateEnvVarValueFrom(ev: EnvVar, path: FieldPath): FieldError[] {
  const from = ev.valueFrom;
  if (from === undefined) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  if (from.fieldRef) {
    sources++;
    errs.push(...validateFieldRef(from.fieldRef, path.child('fieldRef')));
  }
  if (from.resourceFieldRef) {
    sources++;
    if (!from.resourceFieldRef.resource) errs.push(required(path.child('resourceFieldRef', 'resource')));
  }
  if (from.configMapKeyRef) {
    sources++;
    errs.push(...validateKeySelector(from.configMapKeyRef, path.child('configMapKeyRef')));
  }
  if (from.secretKeyRef) {
    sources++;
    errs.push(...validateKeySelector(from.secretKeyRef, path.child('secretKeyRef')));
  }
  if (sources === 0) errs.push(invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (ev.value) errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

export function validateEnv(env: Container['env'], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((ev, i) => {
    const p = path.index(i);
    if (!ev.name) errs.push(required(p.child('name')));
    else for (const msg of isEnvVarName(ev.name)) errs.push(invalid(p.child('name'), ev.name, msg));
    errs.push(...validateEnvVarValueFrom(ev, p.child('valueFrom')));
  });
  return errs;
}

function validateEnvFrom(envFrom: Container['envFrom'], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (envFrom ?? []).forEach((src, i) => {
    const p = path.index(i);
    let sources = 0;
    if (src.configMapRef) {
      sources++;
      if (!src.configMapRef.name) errs.push(required(p.child('configMapRef', 'name')));
    }
    if (src.secretRef) {
      sources++;
      if (!src.secretRef.name) errs.push(required(p.child('secretRef', 'name')));
    }
    if (sources === 0) errs.push(invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

function validateResourceName(name: string, path: FieldPath): FieldError[] {
  if (name.includes('/') || standardContainerResources.has(name) || name.startsWith('hugepages-')) return [];
  return [invalid(path, name, 'must be a standard resource for containers')];
}

function validateQuantity(q: unknown, path: FieldPath): FieldError[] {
  const nanos = parseQuantityNanos(q);
  if (nanos === undefined) return [invalid(path, q, quantityFormatMessage)];
  return nanos < 0n ? [invalid(path, String(q), 'must be greater than or equal to 0')] : [];
}

export function validateResourceRequirements(res: ResourceRequirements | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const limits = res?.limits ?? {};
  const requests = res?.requests ?? {};
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  for (const [name, q] of Object.entries(limits)) {
    errs.push(...validateResourceName(name, limPath.key(name)), ...validateQuantity(q, limPath.key(name)));
  }
  for (const [name, q] of Object.entries(requests)) {
    errs.push(...validateResourceName(name, reqPath.key(name)), ...validateQuantity(q, reqPath.key(name)));
    const limit = limits[name];
    const overcommit = isNativeResource(name) && !name.startsWith('hugepages-');
    if (limit !== undefined) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== undefined && cmp !== 0 && !overcommit) errs.push(invalid(reqPath, String(q), `must be equal to ${name} limit of ${String(limit)}`));
      else if (cmp !== undefined && cmp > 0) errs.push(invalid(reqPath, String(q), `must be less than or equal to ${name} limit of ${String(limit)}`));
    } else if (!overcommit) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

type Handler = { exec?: { command?: string[] }; httpGet?: NonNullable<Probe['httpGet']>; tcpSocket?: { port: unknown }; grpc?: { port: number }; sleep?: { seconds: number } };

function validateHandler(handler: Handler, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  const one = (name: string, check: () => FieldError[]): void => {
    if (count > 0) errs.push(forbidden(path.child(name), 'may not specify more than 1 handler type'));
    else {
      count++;
      errs.push(...check());
    }
  };
  const { exec, httpGet, tcpSocket, grpc, sleep } = handler;
  if (exec) one('exec', () => ((exec.command ?? []).length === 0 ? [required(path.child('exec', 'command'))] : []));
  if (httpGet) {
    one('httpGet', () => {
      const p = path.child('httpGet');
      const e: FieldError[] = [];
      if (httpGet.path === '') e.push(required(p.child('path')));
      e.push(...validatePortNumOrName(httpGet.port, p.child('port')));
      if (httpGet.scheme !== undefined && !supportedHTTPSchemes.includes(httpGet.scheme)) e.push(notSupported(p.child('scheme'), httpGet.scheme, supportedHTTPSchemes));
      return e;
    });
  }
  if (tcpSocket) one('tcpSocket', () => validatePortNumOrName(tcpSocket.port, path.child('tcpSocket', 'port')));
  if (grpc) one('grpc', () => isValidPortNum(grpc.port).map((msg) => invalid(path.child('grpc', 'port'), grpc.port, msg)));
  if (sleep) one('sleep', () => (sleep.seconds < 0 ? [invalid(path.child('sleep', 'seconds'), sleep.seconds, 'must be non-negative')] : []));
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: Probe, path: FieldPath): FieldError[] {
  const errs = validateHandler(probe, path);
  for (const key of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...validateNonnegative(probe[key], path.child(key)));
  }
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(path.child('terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

export function validateProbes(c: Container, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (c.livenessProbe) {
    errs.push(...validateProbe(c.livenessProbe, path.child('livenessProbe')));
    if (c.livenessProbe.successThreshold !== undefined && c.livenessProbe.successThreshold !== 1) {
      errs.push(invalid(path.child('livenessProbe', 'successThreshold'), c.livenessProbe.successThreshold, 'must be 1'));
    }
  }
  if (c.readinessProbe) {
    errs.push(...validateProbe(c.readinessProbe, path.child('readinessProbe')));
    if (c.readinessProbe.terminationGracePeriodSeconds !== undefined) {
      errs.push(invalid(path.child('readinessProbe', 'terminationGracePeriodSeconds'), c.readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
    }
  }
  if (c.startupProbe) {
    errs.push(...validateProbe(c.startupProbe, path.child('startupProbe')));
    if (c.startupProbe.successThreshold !== undefined && c.startupProbe.successThreshold !== 1) {
      errs.push(invalid(path.child('startupProbe', 'successThreshold'), c.startupProbe.successThreshold, 'must be 1'));
    }
  }
  return errs;
}

export function validateLifecycle(c: Container, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const hooks: [string, LifecycleHandler | undefined][] = [
    ['postStart', c.lifecycle?.postStart],
    ['preStop', c.lifecycle?.preStop],
  ];
  for (const [name, hook] of hooks) if (hook) errs.push(...validateHandler(hook, path.child('lifecycle', name)));
  return errs;
}

function validateVolumeMounts(mounts: Container['volumeMounts'], volumes: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const p = path.index(i);
    if (!m.name) errs.push(required(p.child('name')));
    if (!volumes.has(m.name)) errs.push(notFound(p.child('name'), m.name));
    if (!m.mountPath) errs.push(required(p.child('mountPath')));
    if (mountPoints.has(m.mountPath)) errs.push(invalid(p.child('mountPath'), m.mountPath, 'must be unique'));
    mountPoints.add(m.mountPath);
    if (m.subPath && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      errs.push(invalid(p.child('subPath'), m.subPath, m.subPath.startsWith('/') ? 'must be a relative path' : "must not contain '..'"));
    }
  });
  return errs;
}

/** validateContainerCommon: the checks every kind of container gets. */
export function validateContainerCommon(c: Container, volumes: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(path.child('name')));
  else errs.push(...validateDNS1123Label(c.name, path.child('name')));
  if (!c.image) errs.push(required(path.child('image')));
  const policy = c.terminationMessagePolicy;
  if (policy !== undefined && policy !== 'File' && policy !== 'FallbackToLogsOnError') {
    errs.push(notSupported(path.child('terminationMessagePolicy'), policy, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(c.ports, path.child('ports')));
  errs.push(...validateEnv(c.env, path.child('env')));
  errs.push(...validateEnvFrom(c.envFrom, path.child('envFrom')));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, path.child('volumeMounts')));
  if (c.imagePullPolicy !== undefined && !supportedPullPolicies.includes(c.imagePullPolicy)) {
    errs.push(notSupported(path.child('imagePullPolicy'), c.imagePullPolicy, supportedPullPolicies));
  }
  errs.push(...validateResourceRequirements(c.resources, path.child('resources')));
  return errs;
}

/** checkHostPortConflicts: a host port (per protocol and host IP) is used once across containers. */
export function checkHostPortConflicts(containers: readonly Container[], path: FieldPath, offset = 0): FieldError[] {
  const errs: FieldError[] = [];
  const used = new Set<string>();
  containers.forEach((c, i) => {
    (c.ports ?? []).forEach((port, j) => {
      if (!port.hostPort) return;
      const key = `${port.protocol ?? 'TCP'}/${port.hostIP ?? ''}/${port.hostPort}`;
      if (used.has(key)) errs.push(duplicate(path.index(i + offset).child('ports').index(j).child('hostPort'), key));
      used.add(key);
    });
  });
  return errs;
}
