// Label and field selectors of a list or watch request as one predicate over objects (Kubernetes'
// SelectionPredicate). Field selectors know metadata.name and metadata.namespace for every kind,
// plus the kind's own fields from the registry (spec.nodeName, status.phase, involvedObject.*).

import type { KubeObject, ResourceInfo } from '@skiff/api';
import { fail } from './errors.js';
import { labelsOf } from './meta.js';
import { parseFieldSelector, parseLabelSelector, type FieldRequirement } from './machinery.js';
import { badRequest } from './status.js';

export interface Selection {
  readonly matches: (obj: KubeObject) => boolean;
  /** The single name a `metadata.name=x` field selector pins (a one-key read). */
  readonly name: string | undefined;
  readonly everything: boolean;
}

export function selectionFrom(info: ResourceInfo, query: URLSearchParams): Selection {
  const labelText = query.get('labelSelector') ?? '';
  const fieldText = query.get('fieldSelector') ?? '';
  const labels = parseLabelSelector(labelText);
  const fields = parseFieldSelector(fieldText).map((r) => fieldPredicate(info, r));
  const nameReq = parseFieldSelector(fieldText).find((r) => r.field === 'metadata.name' && r.op === '=');
  return {
    matches: (obj) => labels(labelsOf(obj)) && fields.every((f) => f(obj)),
    name: nameReq?.value,
    everything: labelText.trim() === '' && fieldText.trim() === '',
  };
}

function fieldPredicate(info: ResourceInfo, r: FieldRequirement): (obj: KubeObject) => boolean {
  const get = fieldGetter(info, r.field);
  if (get === undefined) fail(badRequest(`field label not supported: ${r.field}`));
  return r.op === '=' ? (o) => (get(o) ?? '') === r.value : (o) => (get(o) ?? '') !== r.value;
}

function fieldGetter(info: ResourceInfo, field: string): ((obj: KubeObject) => string | undefined) | undefined {
  if (field === 'metadata.name') return (o) => o.metadata.name;
  if (field === 'metadata.namespace') return (o) => o.metadata.namespace ?? '';
  return info.fieldSelectors[field];
}
