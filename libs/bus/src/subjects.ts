// Every subject of the message plane (DESIGN.md §3), built in one place under `skiff.<cluster>.`.
// Names are validated as single NATS tokens: a dot would silently add a level to the subject and a
// `*`/`>` would turn a publish into a pattern, so both are rejected with a SubjectError.

import { BusError } from './errors.js';

export const DEFAULT_CLUSTER = 'local';

/** The queue group of the apiserver replicas on `api.<verb>` (DESIGN.md §3). */
export const API_QUEUE = 'apiserver';

/** The verbs of the component API on `api.<verb>`. */
export const API_VERBS = ['get', 'list', 'create', 'update', 'patch', 'delete', 'bind', 'status'] as const;
export type ApiVerb = (typeof API_VERBS)[number];

/** The operations the apiserver calls on a kubelet, on `kubelet.<node>.<op>`. */
export const KUBELET_OPS = ['logs', 'exec', 'attach', 'stats', 'pods', 'portforward', 'healthz'] as const;
export type KubeletOp = (typeof KUBELET_OPS)[number];

export class SubjectError extends BusError {
  override readonly name = 'SubjectError';
}

// Printable ASCII except space, `.`, `*`, `>`: safe in every NATS client and in permissions files.
const TOKEN = /^[\x21-\x29\x2b-\x2d\x2f-\x3d\x3f-\x7e]+$/;

/** Returns `value` when it is a valid single subject token, else throws SubjectError naming `what`. */
export function subjectToken(value: string, what = 'subject token'): string {
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    throw new SubjectError(
      `invalid ${what} ${JSON.stringify(value)}: must be non-empty printable ASCII without spaces, '.', '*' or '>'`,
    );
  }
  return value;
}

/** Checks a concrete subject (publish target): dot-separated valid tokens, no wildcards. */
export function assertSubject(subject: string): string {
  if (typeof subject !== 'string' || subject === '') throw new SubjectError('empty subject');
  for (const token of subject.split('.')) subjectToken(token, `token in subject ${JSON.stringify(subject)}`);
  return subject;
}

/** Checks a subscription pattern: tokens, `*` for one token, `>` only as the last token. */
export function assertPattern(pattern: string): string {
  if (typeof pattern !== 'string' || pattern === '') throw new SubjectError('empty subject pattern');
  const tokens = pattern.split('.');
  tokens.forEach((token, i) => {
    if (token === '*') return;
    if (token === '>') {
      if (i !== tokens.length - 1) throw new SubjectError(`'>' must be the last token in ${JSON.stringify(pattern)}`);
      return;
    }
    subjectToken(token, `token in subject pattern ${JSON.stringify(pattern)}`);
  });
  return pattern;
}

/** NATS matching: `*` matches exactly one token, a trailing `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return p.length === s.length;
}

export interface Subjects {
  readonly cluster: string;
  /** `skiff.<cluster>` */
  readonly prefix: string;
  /** Everything of this cluster: `skiff.<cluster>.>` */
  readonly all: string;
  storeRaft(member: string): string;
  /** `store.raft.*`: every member's Raft inbox. */
  readonly storeRaftAll: string;
  readonly storeLeader: string;
  storeMember(member: string): string;
  readonly storeEvents: string;
  api(verb: ApiVerb): string;
  /** `api.*`: every API verb (the apiserver subscribes with queue API_QUEUE). */
  readonly apiAll: string;
  readonly apiWatch: string;
  kubelet(node: string, op: KubeletOp | (string & {})): string;
  /** `kubelet.<node>.*`: every operation of one kubelet. */
  kubeletAll(node: string): string;
  /** `inspect.<service>.<instance>.events`: snapshots and transitions of one service instance. */
  inspectEvents(service: string, instance: string): string;
  /** `inspect.*.*.events`: every service's inspection stream. */
  readonly inspectEventsAll: string;
  /** `inspect.<service>.<instance>.describe`: machine definitions and current states on request. */
  inspectDescribe(service: string, instance: string): string;
  /** `inspect.describe`: broadcast request every service answers. */
  readonly inspectDescribeAll: string;
}

/** The subjects of one cluster. */
export function subjects(cluster: string = DEFAULT_CLUSTER): Subjects {
  const prefix = `skiff.${subjectToken(cluster, 'cluster name')}`;
  const at = (...tokens: string[]): string => `${prefix}.${tokens.join('.')}`;
  return {
    cluster,
    prefix,
    all: `${prefix}.>`,
    storeRaft: (member) => at('store', 'raft', subjectToken(member, 'store member')),
    storeRaftAll: at('store', 'raft', '*'),
    storeLeader: at('store', 'leader'),
    storeMember: (member) => at('store', 'member', subjectToken(member, 'store member')),
    storeEvents: at('store', 'events'),
    api: (verb) => at('api', subjectToken(verb, 'API verb')),
    apiAll: at('api', '*'),
    apiWatch: at('api', 'watch'),
    kubelet: (node, op) => at('kubelet', subjectToken(node, 'node name'), subjectToken(op, 'kubelet operation')),
    kubeletAll: (node) => at('kubelet', subjectToken(node, 'node name'), '*'),
    inspectEvents: (service, instance) =>
      at('inspect', subjectToken(service, 'service name'), subjectToken(instance, 'instance name'), 'events'),
    inspectEventsAll: at('inspect', '*', '*', 'events'),
    inspectDescribe: (service, instance) =>
      at('inspect', subjectToken(service, 'service name'), subjectToken(instance, 'instance name'), 'describe'),
    inspectDescribeAll: at('inspect', 'describe'),
  };
}

/** Reads service and instance back from an `inspect.<service>.<instance>.events|describe` subject. */
export function parseInspectSubject(
  subject: string,
): { cluster: string; service: string; instance: string; kind: 'events' | 'describe' } | undefined {
  const t = subject.split('.');
  if (t.length !== 6 || t[0] !== 'skiff' || t[2] !== 'inspect') return undefined;
  const kind = t[5];
  if (kind !== 'events' && kind !== 'describe') return undefined;
  return { cluster: t[1]!, service: t[3]!, instance: t[4]!, kind };
}
