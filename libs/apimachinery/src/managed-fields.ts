// metadata.managedFields: who owns which fields (Kubernetes' field manager bookkeeping). Entries
// are keyed the way Kubernetes keys them (manager + operation + subresource, plus apiVersion for
// updates), ordered as Kubernetes orders them, and capped: beyond 10 update entries the oldest are
// folded into "ancient-changes".
import { FieldSet } from './field-set.js';
import { fieldElement, type FieldPath } from './field-path.js';
import { goQuote } from './go-format.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json-value.js';

export type ManagedFieldsOperation = 'Apply' | 'Update';

/** metav1.ManagedFieldsEntry as JSON. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: ManagedFieldsOperation;
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: JsonObject;
  subresource?: string;
}

/** One manager's ownership, decoded. */
export interface ManagerFields {
  readonly manager: string;
  readonly operation: ManagedFieldsOperation;
  readonly apiVersion: string;
  readonly subresource?: string;
  readonly time?: string;
  readonly set: FieldSet;
}

/** By manager identifier (managerIdentifier). */
export type ManagedFields = Map<string, ManagerFields>;

export class ManagedFieldsError extends Error {
  override readonly name = 'ManagedFieldsError';
}

export const BEFORE_FIRST_APPLY_MANAGER = 'before-first-apply';
export const ANCIENT_CHANGES_MANAGER = 'ancient-changes';
export const MAX_UPDATE_MANAGERS = 10;

/** BuildManagerIdentifier: appliers are one entry whatever apiVersion they used. */
export function managerIdentifier(entry: { manager: string; operation: ManagedFieldsOperation; apiVersion: string; subresource?: string | undefined }): string {
  const id: Record<string, string> = { manager: entry.manager, operation: entry.operation };
  if (entry.operation === 'Update') id['apiVersion'] = entry.apiVersion;
  if (entry.subresource) id['subresource'] = entry.subresource;
  return JSON.stringify(id);
}

/** How a conflict names a manager: `"kubectl-client-side-apply" using v1`. */
export function describeManager(entry: Pick<ManagerFields, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let text = goQuote(entry.manager);
  if (entry.subresource) text += ` with subresource ${goQuote(entry.subresource)}`;
  if (entry.operation === 'Update') text += ` using ${entry.apiVersion}`;
  return text;
}

/** Fields nobody owns (stripMetaManager): identity and bookkeeping are the server's. */
export const STRIPPED_PATHS: readonly FieldPath[] = [
  ['apiVersion'],
  ['kind'],
  ['metadata'],
  ['metadata', 'name'],
  ['metadata', 'namespace'],
  ['metadata', 'creationTimestamp'],
  ['metadata', 'selfLink'],
  ['metadata', 'uid'],
  ['metadata', 'clusterName'],
  ['metadata', 'generation'],
  ['metadata', 'managedFields'],
  ['metadata', 'resourceVersion'],
].map((names) => names.map(fieldElement));

const STRIPPED_SET = FieldSet.of(STRIPPED_PATHS);

export function stripServerFields(set: FieldSet): FieldSet {
  return set.difference(STRIPPED_SET);
}

/** Decodes metadata.managedFields; throws ManagedFieldsError when malformed. Duplicate entries merge. */
export function decodeManagedFields(value: JsonValue | undefined): ManagedFields {
  const out: ManagedFields = new Map();
  if (value === undefined || value === null) return out;
  if (!Array.isArray(value)) throw new ManagedFieldsError('managedFields must be a list');
  value.forEach((raw, index) => {
    const decoded = decodeEntry(raw, index);
    const id = managerIdentifier(decoded);
    const previous = out.get(id);
    out.set(id, previous === undefined ? decoded : { ...decoded, set: previous.set.union(decoded.set) });
  });
  return out;
}

function decodeEntry(raw: JsonValue, index: number): ManagerFields {
  const fail = (why: string): never => {
    throw new ManagedFieldsError(`error decoding managed fields entry ${index}: ${why}`);
  };
  if (!isJsonObject(raw)) return fail('not an object');
  const { manager, operation, apiVersion, time, fieldsType, fieldsV1, subresource } = raw;
  if (typeof manager !== 'string') return fail('manager must be a string');
  if (operation !== 'Apply' && operation !== 'Update') return fail(`unknown operation ${JSON.stringify(operation)}`);
  if (apiVersion !== undefined && typeof apiVersion !== 'string') return fail('apiVersion must be a string');
  if (fieldsType !== undefined && fieldsType !== 'FieldsV1') return fail(`unsupported fieldsType ${JSON.stringify(fieldsType)}`);
  if (time !== undefined && time !== null && typeof time !== 'string') return fail('time must be a string');
  if (subresource !== undefined && typeof subresource !== 'string') return fail('subresource must be a string');
  let set: FieldSet;
  try {
    set = fieldsV1 === undefined || fieldsV1 === null ? FieldSet.empty() : FieldSet.fromFieldsV1(fieldsV1);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  return {
    manager,
    operation,
    apiVersion: apiVersion ?? '',
    ...(subresource ? { subresource } : {}),
    ...(typeof time === 'string' ? { time } : {}),
    set,
  };
}

/** Encodes entries in Kubernetes' order (operation, time, manager, apiVersion, subresource); empty sets are dropped. */
export function encodeManagedFields(managed: ManagedFields): ManagedFieldsEntry[] {
  const entries = [...managed.values()].filter((m) => !m.set.isEmpty());
  entries.sort(
    (a, b) =>
      cmp(a.operation, b.operation) ||
      cmp(seconds(a.time), seconds(b.time)) ||
      cmp(a.manager, b.manager) ||
      cmp(a.apiVersion, b.apiVersion) ||
      cmp(a.subresource ?? '', b.subresource ?? ''),
  );
  return entries.map((m) => {
    const entry: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time !== undefined) entry.time = m.time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = m.set.toFieldsV1();
    if (m.subresource) entry.subresource = m.subresource;
    return entry;
  });
}

function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function seconds(time: string | undefined): number {
  if (time === undefined) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** metav1.Time: RFC 3339 in UTC with whole seconds. */
export function managedFieldsTime(nowIso: string): string {
  const ms = Date.parse(nowIso);
  if (Number.isNaN(ms)) throw new ManagedFieldsError(`invalid time ${JSON.stringify(nowIso)}`);
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/**
 * capManagersManager: while there are more than `max` Update entries, the oldest are merged into
 * one "ancient-changes" entry per apiVersion (carrying the newest merged time).
 */
export function capUpdateManagers(managed: ManagedFields, max = MAX_UPDATE_MANAGERS): ManagedFields {
  const updaters = [...managed.entries()].filter(([, m]) => m.operation === 'Update');
  if (updaters.length <= max) return managed;
  updaters.sort(([, a], [, b]) => seconds(a.time) - seconds(b.time));
  const out: ManagedFields = new Map(managed);
  const firstByVersion = new Map<string, string>();
  let count = updaters.length;
  for (const [id, entry] of updaters) {
    if (count <= max) break;
    const bucketId = managerIdentifier({ manager: ANCIENT_CHANGES_MANAGER, operation: 'Update', apiVersion: entry.apiVersion });
    const first = firstByVersion.get(entry.apiVersion);
    if (first === undefined) {
      firstByVersion.set(entry.apiVersion, id);
      continue;
    }
    let bucket = out.get(bucketId);
    if (bucket === undefined) {
      const firstEntry = out.get(first);
      out.delete(first);
      bucket = { manager: ANCIENT_CHANGES_MANAGER, operation: 'Update', apiVersion: entry.apiVersion, set: firstEntry?.set ?? FieldSet.empty() };
    }
    out.delete(id);
    out.set(bucketId, { ...bucket, set: bucket.set.union(entry.set), ...(entry.time !== undefined ? { time: entry.time } : {}) });
    count--;
  }
  return out;
}
