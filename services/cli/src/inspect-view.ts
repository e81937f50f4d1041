// What `skiff inspect` shows: describe replies as table rows, inspection events as one line each.
// Pure: it validates what came off the wire (a malformed reply becomes a note, never a crash)
// and formats it.

import { formatStateValue } from './table.js';

export interface ActorRow {
  readonly id: string;
  readonly machineId: string;
  readonly state: unknown;
  readonly status: string | undefined;
  /** The machine's chart, when the describe asked for definitions. */
  readonly definition?: unknown;
}

export interface DescribedService {
  readonly service: string;
  readonly instance: string;
  readonly actors: readonly ActorRow[];
}

export const DESCRIBE_HEADERS = ['SERVICE', 'INSTANCE', 'ACTOR', 'MACHINE', 'STATE'] as const;

type Fields = Readonly<Record<string, unknown>>;

const isString = (v: unknown): v is string => typeof v === 'string';
const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** A describe reply envelope (`inspect.described`), or why it is not one. */
export function parseDescribeReply(env: Fields): DescribedService | string {
  if (env['type'] === 'error') return `error reply: ${String(env['message'])}`;
  if (env['type'] !== 'inspect.described') return `unexpected reply type ${JSON.stringify(env['type'])}`;
  const { service, instance, actors } = env;
  if (!isString(service) || !isString(instance)) return 'reply without service or instance';
  if (!Array.isArray(actors)) return `reply from ${service}/${instance} without actors`;
  const rows: ActorRow[] = [];
  for (const a of actors) {
    if (!isFields(a) || !isString(a['id']) || !isString(a['machineId'])) return `malformed actor in reply from ${service}/${instance}`;
    const row = { id: a['id'], machineId: a['machineId'], state: a['state'], status: isString(a['status']) ? a['status'] : undefined };
    rows.push(a['definition'] === undefined ? row : { ...row, definition: a['definition'] });
  }
  return { service, instance, actors: rows };
}

function stateCell(actor: ActorRow): string {
  const state = actor.state === null || actor.state === undefined ? '-' : formatStateValue(actor.state);
  return actor.status === undefined || actor.status === 'active' ? state : `${state} (${actor.status})`;
}

/** Rows sorted by service, instance, actor; a service with no actors still gets a row. */
export function describeRows(services: readonly DescribedService[]): string[][] {
  const sorted = [...services].sort((a, b) => a.service.localeCompare(b.service) || a.instance.localeCompare(b.instance));
  return sorted.flatMap((s) => {
    if (s.actors.length === 0) return [[s.service, s.instance, '-', '-', '-']];
    return [...s.actors]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((a) => [s.service, s.instance, a.id, a.machineId, stateCell(a)]);
  });
}

function clockTime(atMs: unknown): string {
  if (typeof atMs !== 'number' || !Number.isFinite(atMs)) return '--:--:--.---';
  return new Date(atMs).toISOString().slice(11, 23);
}

/** `machine.state.sub` -> `state.sub`: state node ids start with the machine id. */
function stateName(nodeId: unknown): string {
  if (!isString(nodeId)) return '?';
  const dot = nodeId.indexOf('.');
  return dot < 0 ? nodeId : nodeId.slice(dot + 1);
}

/**
 * One line (or several, for a batch of transitions) per inspection event, for `inspect --watch`.
 * Unknown or malformed events give undefined: the watcher skips them.
 */
export function formatInspectionEvent(env: Fields): string[] | undefined {
  const { service, instance, actorId } = env;
  if (!isString(service) || !isString(instance) || !isString(actorId)) return undefined;
  const who = `${service}/${instance} ${actorId}`;
  switch (env['type']) {
    case 'inspect.actor':
      return [`${clockTime(env['atMs'])}  ${who}  started (${String(env['machineId'])})`];
    case 'inspect.transitions': {
      const transitions = Array.isArray(env['transitions']) ? env['transitions'] : [];
      const lines = transitions.filter(isFields).map((t) => {
        const targets = Array.isArray(t['targets']) && t['targets'].length > 0 ? t['targets'].map(stateName).join(', ') : '(self)';
        return `${clockTime(t['atMs'])}  ${who}  ${stateName(t['source'])} -> ${targets}  on ${String(t['eventType'])}`;
      });
      const dropped = env['dropped'];
      if (typeof dropped === 'number' && dropped > 0) lines.push(`${' '.repeat(12)}  ${who}  (${dropped} transitions not shown)`);
      return lines;
    }
    case 'inspect.snapshot': {
      const status = env['status'];
      const state = env['state'] === null || env['state'] === undefined ? '-' : formatStateValue(env['state']);
      const ended = isString(status) && status !== 'active' ? ` (${status}${isString(env['error']) ? `: ${env['error']}` : ''})` : '';
      return [`${clockTime(env['atMs'])}  ${who}  is ${state}${ended}`];
    }
    default:
      return undefined;
  }
}
