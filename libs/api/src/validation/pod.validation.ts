// Pod validation: ValidatePodSpec, ValidatePod, ValidatePodUpdate (pkg/apis/core/validation).
import { duplicate, FieldPath, forbidden, invalid, notSupported, required, type FieldError } from '../field-error.js';
import type { Container } from '../schema/container.schema.js';
import type { Pod, PodSpec, Toleration, Volume } from '../schema/pod.schema.js';
import { deepClone, deepEqual, diffPaths, validateDNS1123Label } from './common.js';
import { checkHostPortConflicts, validateContainerCommon, validateLifecycle, validateProbes } from './container.validation.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.validation.js';
import { isDNS1123Label, nameIsDNSSubdomain } from './names.js';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './scheduling.validation.js';

const volumeSources = ['emptyDir', 'hostPath', 'configMap', 'secret', 'persistentVolumeClaim', 'projected', 'downwardAPI', 'nfs', 'csi', 'ephemeral', 'image'] as const;

function validateVolumeSource(vol: Volume, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const source of volumeSources) {
    if (vol[source] === undefined) continue;
    if (count > 0) {
      errs.push(forbidden(path.child(source), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    if (source === 'hostPath') {
      const hp = vol.hostPath;
      if (!hp?.path) errs.push(required(path.child('hostPath', 'path')));
      else if (hp.path.split('/').includes('..')) errs.push(invalid(path.child('hostPath', 'path'), hp.path, "must not contain '..'"));
    }
    if (source === 'configMap' && !vol.configMap?.name) errs.push(required(path.child('configMap', 'name')));
    if (source === 'secret' && !vol.secret?.secretName) errs.push(required(path.child('secret', 'secretName')));
    if (source === 'persistentVolumeClaim' && !vol.persistentVolumeClaim?.claimName) errs.push(required(path.child('persistentVolumeClaim', 'claimName')));
    for (const mode of [vol.configMap?.defaultMode, vol.secret?.defaultMode]) {
      if (mode !== undefined && (mode < 0 || mode > 0o777)) {
        errs.push(invalid(path.child(source, 'defaultMode'), mode, 'must be a number between 0 and 0777 (octal), both inclusive'));
      }
    }
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

/** validateVolumes: returns the errors and the names that later volumeMounts may refer to. */
function validateVolumes(volumes: readonly Volume[] | undefined, path: FieldPath): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((vol, i) => {
    const p = path.index(i);
    const el = validateVolumeSource(vol, p);
    if (!vol.name) el.push(required(p.child('name')));
    else el.push(...validateDNS1123Label(vol.name, p.child('name')));
    if (names.has(vol.name)) el.push(duplicate(p.child('name'), vol.name));
    if (el.length === 0) names.add(vol.name);
    else errs.push(...el);
  });
  return { errs, names };
}

function validateContainers(containers: readonly Container[] | undefined, volumes: Set<string>, path: FieldPath): FieldError[] {
  const list = containers ?? [];
  if (list.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, p));
    if (names.has(c.name)) errs.push(duplicate(p.child('name'), c.name));
    else names.add(c.name);
    errs.push(...validateLifecycle(c, p), ...validateProbes(c, p));
    if (c.restartPolicy !== undefined) errs.push(forbidden(p.child('restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(list, path));
  return errs;
}

function validateInitContainers(inits: readonly Container[] | undefined, others: readonly Container[] | undefined, volumes: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((others ?? []).map((c) => c.name));
  (inits ?? []).forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, p));
    const restartAlways = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && !restartAlways) errs.push(notSupported(p.child('restartPolicy'), c.restartPolicy, ['Always']));
    if (names.has(c.name)) errs.push(duplicate(p.child('name'), c.name));
    else if (c.name) names.add(c.name);
    errs.push(...checkHostPortConflicts([c], path, i));
    if (restartAlways) errs.push(...validateLifecycle(c, p), ...validateProbes(c, p));
    else {
      const rule = 'may not be set for init containers without restartPolicy=Always';
      if (c.lifecycle) errs.push(forbidden(p.child('lifecycle'), rule));
      if (c.livenessProbe) errs.push(forbidden(p.child('livenessProbe'), rule));
      if (c.readinessProbe) errs.push(forbidden(p.child('readinessProbe'), rule));
      if (c.startupProbe) errs.push(forbidden(p.child('startupProbe'), rule));
    }
  });
  return errs;
}

function validateHostNetworkPorts(spec: PodSpec, path: FieldPath): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  const errs: FieldError[] = [];
  const check = (list: readonly Container[] | undefined, p: FieldPath): void => {
    (list ?? []).forEach((c, i) =>
      (c.ports ?? []).forEach((port, j) => {
        if (port.hostPort !== undefined && port.hostPort !== port.containerPort) {
          errs.push(invalid(p.index(i).child('ports').index(j).child('containerPort'), port.containerPort, 'must match `hostPort` when `hostNetwork` is true'));
        }
      }),
    );
  };
  check(spec.containers, path.child('containers'));
  check(spec.initContainers, path.child('initContainers'));
  return errs;
}

function validateEnumField(value: string | undefined, supported: readonly string[], path: FieldPath): FieldError[] {
  if (value === undefined) return [];
  if (value === '') return [required(path)];
  return supported.includes(value) ? [] : [notSupported(path, value, supported)];
}

function validateSubdomainField(value: string | undefined, path: FieldPath): FieldError[] {
  return value ? nameIsDNSSubdomain(value, false).map((msg) => invalid(path, value, msg)) : [];
}

/** ValidatePodSpec. */
export function validatePodSpec(spec: PodSpec | undefined, path: FieldPath): FieldError[] {
  const s = spec ?? ({} as PodSpec);
  const { errs, names } = validateVolumes(s.volumes, path.child('volumes'));
  errs.push(...validateContainers(s.containers, names, path.child('containers')));
  errs.push(...validateInitContainers(s.initContainers, s.containers, names, path.child('initContainers')));
  errs.push(...validateHostNetworkPorts(s, path));
  errs.push(...validateEnumField(s.restartPolicy, ['Always', 'OnFailure', 'Never'], path.child('restartPolicy')));
  errs.push(...validateEnumField(s.dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'], path.child('dnsPolicy')));
  errs.push(...validateLabels(s.nodeSelector, path.child('nodeSelector')));
  errs.push(...validateAffinity(s.affinity, path.child('affinity')));
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, path.child('topologySpreadConstraints')));
  errs.push(...validateSubdomainField(s.serviceAccountName, path.child('serviceAccountName')));
  errs.push(...validateSubdomainField(s.nodeName, path.child('nodeName')));
  errs.push(...validateSubdomainField(s.priorityClassName, path.child('priorityClassName')));
  if (s.activeDeadlineSeconds !== undefined && (s.activeDeadlineSeconds < 1 || s.activeDeadlineSeconds > 2147483647)) {
    errs.push(invalid(path.child('activeDeadlineSeconds'), s.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  for (const key of ['hostname', 'subdomain'] as const) {
    const v = s[key];
    if (v) for (const msg of isDNS1123Label(v)) errs.push(invalid(path.child(key), v, msg));
  }
  errs.push(...validateTolerations(s.tolerations, path.child('tolerations')));
  errs.push(...validateEnumField(s.preemptionPolicy, ['Never', 'PreemptLowerPriority'], path.child('preemptionPolicy')));
  return errs;
}

export function validatePod(pod: Pod): FieldError[] {
  return [...validateObjectMeta(pod.metadata, true), ...validatePodSpec(pod.spec, FieldPath.root('spec'))];
}

const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validateOnlyAddedTolerations(next: readonly Toleration[] | undefined, prev: readonly Toleration[] | undefined, path: FieldPath): FieldError[] {
  for (const old of prev ?? []) {
    const kept = (next ?? []).some((t) => deepEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!kept) return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

function validateActiveDeadlineUpdate(next: PodSpec, prev: PodSpec, path: FieldPath): FieldError[] {
  const n = next.activeDeadlineSeconds;
  const o = prev.activeDeadlineSeconds;
  if (n !== undefined) {
    if (n < 0 || n > 2147483647) return [invalid(path, n, 'must be between 0 and 2147483647, inclusive')];
    if (o !== undefined && o < n) return [invalid(path, n, 'must be less than or equal to previous value')];
    return [];
  }
  return o !== undefined ? [invalid(path, null, 'must not update from a positive integer to nil value')] : [];
}

/** The pod spec with every field a user may change copied from the old spec. */
function mungePodSpec(next: PodSpec, prev: PodSpec): PodSpec {
  const munged = deepClone(next);
  const copyImages = (list: Container[] | undefined, old: Container[] | undefined): void => {
    (list ?? []).forEach((c, i) => {
      const o = old?.[i];
      if (o === undefined) return;
      if (o.image === undefined) delete c.image;
      else c.image = o.image;
    });
  };
  copyImages(munged.containers, prev.containers);
  copyImages(munged.initContainers, prev.initContainers);
  const keep = <K extends keyof PodSpec>(key: K): void => {
    if (prev[key] === undefined) delete munged[key];
    else munged[key] = prev[key];
  };
  keep('activeDeadlineSeconds');
  keep('tolerations');
  keep('schedulingGates');
  if ((prev.terminationGracePeriodSeconds ?? 0) < 0 && next.terminationGracePeriodSeconds === 1) keep('terminationGracePeriodSeconds');
  return munged;
}

/** ValidatePodUpdate: only images, activeDeadlineSeconds and added tolerations may change. */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pod.metadata, old.metadata), ...validatePodSpec(pod.spec, FieldPath.root('spec'))];
  const next = pod.spec ?? ({} as PodSpec);
  const prev = old.spec ?? ({} as PodSpec);
  const specPath = FieldPath.root('spec');
  errs.push(...validateActiveDeadlineUpdate(next, prev, specPath.child('activeDeadlineSeconds')));
  errs.push(...validateOnlyAddedTolerations(next.tolerations, prev.tolerations, specPath.child('tolerations')));
  if (deepEqual(next, prev)) return errs;
  const munged = mungePodSpec(next, prev);
  if (!deepEqual(munged, prev)) {
    const diff: string[] = [];
    diffPaths(prev, munged, 'spec', diff);
    errs.push(forbidden(specPath, `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${diff.join('\n')}`));
  }
  return errs;
}

/** The status part of ValidatePodStatusUpdate (metadata is checked by validatePodUpdate). */
export function validatePodStatusUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs: FieldError[] = [];
  const status = pod.status ?? {};
  const path = FieldPath.root('status');
  if (status.nominatedNodeName) {
    for (const msg of nameIsDNSSubdomain(status.nominatedNodeName, false)) errs.push(invalid(path.child('nominatedNodeName'), status.nominatedNodeName, msg));
  }
  const terminal = (p: string | undefined): boolean => p === 'Succeeded' || p === 'Failed';
  if (terminal(old.status?.phase) && status.phase !== old.status?.phase) {
    errs.push(forbidden(path.child('phase'), `cannot transition from terminal phase ${old.status?.phase ?? ''} to ${status.phase ?? ''}`));
  }
  return errs;
}
