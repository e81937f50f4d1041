// Priority (Kubernetes' plugin of that name):
// - a new pod's spec.priorityClassName resolves to spec.priority (and spec.preemptionPolicy);
//   without a name the globalDefault class applies, and without one priority is 0;
//   an unknown class is 403 `no PriorityClass with name x was found`; a spec.priority that
//   disagrees with the class is 403 as well;
// - only one PriorityClass may be globalDefault, and `system-` names are reserved for the
//   built-in classes (system-node-critical, system-cluster-critical).

import type { KubeObject } from '@skiff/api';
import type { CoreContext } from '../context.js';
import { fail } from '../errors.js';
import { cachedList, lookup } from '../lookup.js';
import { recordAt } from '../meta.js';
import { forbidden } from '../status.js';
import { isCore, type AdmissionAttributes, type AdmissionPlugin } from './admission.js';

export const SYSTEM_NODE_CRITICAL = 'system-node-critical';
export const SYSTEM_CLUSTER_CRITICAL = 'system-cluster-critical';
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;
/** Built-in classes: name -> value (scheduling.SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  [SYSTEM_NODE_CRITICAL]: SYSTEM_CRITICAL_PRIORITY + 1000,
  [SYSTEM_CLUSTER_CRITICAL]: SYSTEM_CRITICAL_PRIORITY,
};
const PRIORITY_CLASSES = { group: 'scheduling.k8s.io', resource: 'priorityclasses' };

export type PriorityResolution =
  | { readonly type: 'ok'; readonly priority: number; readonly className: string | undefined; readonly preemptionPolicy: string }
  | { readonly type: 'refused'; readonly reason: string };

/** Pure: the priority of a pod given its class (or the default class). */
export function resolvePriority(pod: KubeObject, named: KubeObject | undefined, globalDefault: KubeObject | undefined): PriorityResolution {
  const spec = recordAt(pod, 'spec');
  const name = typeof spec['priorityClassName'] === 'string' ? spec['priorityClassName'] : '';
  let priority = 0;
  let className: string | undefined;
  let preemptionPolicy = 'PreemptLowerPriority';
  const pc = name !== '' ? named : globalDefault;
  if (name !== '' && pc === undefined) return { type: 'refused', reason: `no PriorityClass with name ${name} was found` };
  if (pc !== undefined) {
    priority = typeof pc['value'] === 'number' ? pc['value'] : 0;
    className = pc.metadata.name;
    if (typeof pc['preemptionPolicy'] === 'string') preemptionPolicy = pc['preemptionPolicy'];
  }
  const given = spec['priority'];
  if (typeof given === 'number' && given !== priority) {
    return { type: 'refused', reason: `the integer value of priority (${given}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name` };
  }
  return { type: 'ok', priority, className, preemptionPolicy };
}

function globalDefaultClass(ctx: CoreContext): KubeObject | undefined {
  const defaults = cachedList(ctx, 'scheduling.k8s.io', 'priorityclasses').filter((pc) => pc['globalDefault'] === true);
  // Several defaults can exist after a race; Kubernetes takes the lowest value.
  return defaults.sort((a, b) => Number(a['value'] ?? 0) - Number(b['value'] ?? 0))[0];
}

async function admitPod(attrs: AdmissionAttributes, ctx: CoreContext): Promise<void> {
  const pod = attrs.object as KubeObject;
  const name = recordAt(pod, 'spec')['priorityClassName'];
  const named = typeof name === 'string' && name !== '' ? await lookup(ctx, 'scheduling.k8s.io', 'priorityclasses', undefined, name) : undefined;
  const r = resolvePriority(pod, named, globalDefaultClass(ctx));
  if (r.type === 'refused') fail(forbidden(attrs.info, attrs.name, r.reason));
  const spec = recordAt(pod, 'spec');
  pod['spec'] = { ...spec, priority: r.priority, preemptionPolicy: r.preemptionPolicy, ...(r.className === undefined ? {} : { priorityClassName: r.className }) };
}

function validatePriorityClass(attrs: AdmissionAttributes, ctx: CoreContext): void {
  const pc = attrs.object as KubeObject;
  const name = pc.metadata.name ?? '';
  if (name.startsWith('system-') && SYSTEM_PRIORITY_CLASSES[name] === undefined) {
    fail(forbidden(PRIORITY_CLASSES, name, `priority class names with 'system-' prefix are reserved for system use only. error: ${name} is not a known system priority class`));
  }
  if (pc['globalDefault'] !== true) return;
  const other = cachedList(ctx, 'scheduling.k8s.io', 'priorityclasses').find((x) => x['globalDefault'] === true && x.metadata.name !== name);
  if (other !== undefined) fail(forbidden(PRIORITY_CLASSES, name, `PriorityClass ${other.metadata.name ?? ''} is already marked as default. Only one default can exist`));
}

export const priority: AdmissionPlugin = {
  name: 'Priority',
  async admit(attrs: AdmissionAttributes, ctx: CoreContext): Promise<void> {
    if (attrs.operation === 'CREATE' && isCore(attrs, 'pods') && attrs.object !== undefined) await admitPod(attrs, ctx);
  },
  validate(attrs: AdmissionAttributes, ctx: CoreContext): void {
    const isPc = attrs.info.group === 'scheduling.k8s.io' && attrs.info.resource === 'priorityclasses' && (attrs.subresource ?? '') === '';
    if (isPc && (attrs.operation === 'CREATE' || attrs.operation === 'UPDATE') && attrs.object !== undefined) validatePriorityClass(attrs, ctx);
  },
};
