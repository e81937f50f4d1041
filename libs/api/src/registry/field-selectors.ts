// Field selectors each kind supports beyond metadata.name and metadata.namespace
// (the GetAttrs / SelectableFields functions of Kubernetes' registries).
import type { FieldSelectorGetter, KubeObject } from '../types.js';
import { asRecord } from '../validation/common.js';

function at(obj: KubeObject, path: string): unknown {
  let node: unknown = obj;
  for (const key of path.split('.')) node = asRecord(node)[key];
  return node;
}

const str = (path: string): FieldSelectorGetter => (obj) => {
  const v = at(obj, path);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
};

/** Booleans select as "true" / "false", unset as false. */
const bool = (path: string): FieldSelectorGetter => (obj) => String(at(obj, path) === true);
const int = (path: string): FieldSelectorGetter => (obj) => {
  const v = at(obj, path);
  return String(typeof v === 'number' ? v : 0);
};

export const podFieldSelectors: Record<string, FieldSelectorGetter> = {
  'spec.nodeName': str('spec.nodeName'),
  'spec.restartPolicy': str('spec.restartPolicy'),
  'spec.schedulerName': str('spec.schedulerName'),
  'spec.serviceAccountName': str('spec.serviceAccountName'),
  'spec.hostNetwork': bool('spec.hostNetwork'),
  'status.phase': str('status.phase'),
  'status.podIP': (obj) => {
    const ips = at(obj, 'status.podIPs');
    const first = Array.isArray(ips) ? asRecord(ips[0]).ip : undefined;
    return typeof first === 'string' ? first : str('status.podIP')(obj);
  },
  'status.nominatedNodeName': str('status.nominatedNodeName'),
};

export const nodeFieldSelectors: Record<string, FieldSelectorGetter> = { 'spec.unschedulable': bool('spec.unschedulable') };

export const eventFieldSelectors: Record<string, FieldSelectorGetter> = {
  'involvedObject.kind': str('involvedObject.kind'),
  'involvedObject.namespace': str('involvedObject.namespace'),
  'involvedObject.name': str('involvedObject.name'),
  'involvedObject.uid': str('involvedObject.uid'),
  'involvedObject.apiVersion': str('involvedObject.apiVersion'),
  'involvedObject.resourceVersion': str('involvedObject.resourceVersion'),
  'involvedObject.fieldPath': str('involvedObject.fieldPath'),
  reason: str('reason'),
  reportingComponent: str('reportingComponent'),
  source: str('source.component'),
  type: str('type'),
};

export const secretFieldSelectors: Record<string, FieldSelectorGetter> = { type: str('type') };
export const namespaceFieldSelectors: Record<string, FieldSelectorGetter> = { 'status.phase': str('status.phase') };
export const replicaSetFieldSelectors: Record<string, FieldSelectorGetter> = { 'status.replicas': int('status.replicas') };
export const jobFieldSelectors: Record<string, FieldSelectorGetter> = { 'status.successful': int('status.succeeded') };
