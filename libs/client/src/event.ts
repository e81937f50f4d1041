// core/v1 Events as the event recorder writes them (client-go tools/record/event.go and
// events_cache.go). Pure: times and sequence numbers come in as arguments.
//
// Repeats of one event (same object, type, reason, message and source) within the aggregation
// window become one Event whose `count` and `lastTimestamp` grow, as client-go's EventCorrelator
// deduplicates them, so that a crash-looping pod does not fill the store with Events.

import type { KubeObject } from './types.js';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  readonly component: string;
  readonly host?: string;
}

/** core/v1 ObjectReference, the `involvedObject` of an Event. */
export interface ObjectReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly fieldPath?: string;
}

export function objectReference(obj: KubeObject | ObjectReference): ObjectReference {
  if (!('metadata' in obj)) return obj;
  const m = obj.metadata;
  const ref: Record<string, string> = { name: m.name ?? '' };
  if (obj.apiVersion !== undefined) ref['apiVersion'] = obj.apiVersion;
  if (obj.kind !== undefined) ref['kind'] = obj.kind;
  if (m.namespace !== undefined && m.namespace !== '') ref['namespace'] = m.namespace;
  if (m.uid !== undefined) ref['uid'] = m.uid;
  if (m.resourceVersion !== undefined) ref['resourceVersion'] = m.resourceVersion;
  return ref as unknown as ObjectReference;
}

/** What makes two events repeats of one another (client-go's getEventKey, minus timestamps). */
export function eventKey(ref: ObjectReference, type: EventType, reason: string, message: string, source: EventSource): string {
  return JSON.stringify([source.component, source.host ?? '', ref.kind ?? '', ref.namespace ?? '', ref.name, ref.uid ?? '', ref.apiVersion ?? '', ref.fieldPath ?? '', type, reason, message]);
}

/** metav1.Time: RFC 3339 in UTC, whole seconds. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A unique Event name as client-go makes them: `<object name>.<hex of a nanosecond timestamp>`;
 * `seq` (< 1e6) separates events made in the same millisecond.
 */
export function eventName(objectName: string, nowMs: number, seq: number): string {
  return `${objectName}.${(BigInt(Math.floor(nowMs)) * 1_000_000n + BigInt(seq % 1_000_000)).toString(16)}`;
}

/**
 * What events/v1's `Eventf(regarding, related, type, reason, action, note)` adds: the action taken
 * and a second object it concerns (kube-scheduler's Preempted event: action Preempting, related =
 * the preemptor).
 */
export interface EventDetails {
  readonly action?: string;
  readonly related?: ObjectReference;
}

export function makeEvent(
  ref: ObjectReference,
  type: EventType,
  reason: string,
  message: string,
  source: EventSource,
  nowMs: number,
  seq: number,
  details: EventDetails = {},
): KubeObject {
  const at = formatTime(nowMs);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: eventName(ref.name, nowMs, seq), namespace: ref.namespace ?? 'default' },
    involvedObject: ref,
    reason,
    message,
    type,
    source: { component: source.component, ...(source.host === undefined ? {} : { host: source.host }) },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
    reportingComponent: source.component,
    reportingInstance: source.host ?? '',
    ...(details.action === undefined ? {} : { action: details.action }),
    ...(details.related === undefined ? {} : { related: details.related }),
  };
}

/** The merge patch that records one more repeat. */
export function repeatPatch(count: number, nowMs: number): { count: number; lastTimestamp: string } {
  return { count, lastTimestamp: formatTime(nowMs) };
}
