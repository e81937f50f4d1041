// Server-side apply and field ownership (Kubernetes' fieldmanager over structured-merge-diff):
//
//   applyPatch(live, applied, opts)   PATCH application/apply-patch+yaml
//     1. the applier's new set = the fields its configuration sets;
//     2. merged = live + configuration (configuration wins; keyed lists merge by key);
//     3. prune: fields the applier set last time, dropped now, and owned by nobody else go away;
//     4. compare live -> result: a field another manager owns that is added or changed is a
//        conflict, unless force (then it moves to the applier); removed fields leave every owner.
//   trackUpdate(live, updated, opts)  every other write (create, update, patch) by a manager:
//     the fields the write added or changed move to that manager; removed fields leave everyone.
//
// Invariants: inputs are never modified; identity and bookkeeping fields (name, uid,
// resourceVersion, managedFields, ...) are owned by nobody; a manager with no fields disappears.
// Kubernetes' special cases kept: an object without managedFields is first owned by
// "before-first-apply"; `kubectl` applying over a client-side apply may take the fields its
// last-applied annotation still describes, and keeps that annotation in step.
import { FieldSet } from './field-set.js';
import { fieldElement, fieldPathString, type FieldPath } from './field-path.js';
import {
  BEFORE_FIRST_APPLY_MANAGER,
  capUpdateManagers,
  decodeManagedFields,
  describeManager,
  encodeManagedFields,
  managedFieldsTime,
  managerIdentifier,
  stripServerFields,
  type ManagedFields,
  type ManagerFields,
} from './managed-fields.js';
import { strategyFor, type KindKey, type ObjectSchema } from './patch-strategy.js';
import { ApiError, applyConflictStatus, badRequestStatus, CauseType, type Status } from './status.js';
import {
  compareValues,
  dropNulls,
  mergeForApply,
  removePath,
  toFieldSet,
  TypedValueError,
  validateListKeys,
  valueAtFields,
  withValueAtFields,
  type Comparison,
} from './typed-value.js';
import { isJsonObject, jsonEqual, canonicalJson, setOwn, type JsonObject, type JsonValue } from './json-value.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** Only this manager gets the client-side-apply upgrade path (as in Kubernetes). */
const KUBECTL_MANAGER = 'kubectl';

export interface FieldOwnershipOptions {
  /** The field manager (fieldManager query parameter, or derived from the User-Agent). */
  readonly manager: string;
  /** Time of the write, ISO 8601; recorded with whole seconds. */
  readonly nowIso: string;
  /**
   * Whose list strategies apply: a kind (`Pod`, `apps/Deployment`, {group, kind}, resolved with
   * strategyFor) or a schema of its own (custom resources, tests).
   */
  readonly strategyFor: KindKey | ObjectSchema;
  /** `status` or `scale` when the write came through a subresource. */
  readonly subresource?: string;
  /**
   * Field-name paths this endpoint resets (`[['status']]` on a main resource with a status
   * subresource): never owned, never compared, and left as they are live.
   */
  readonly ignoredFields?: readonly (readonly string[])[];
}

export interface ApplyOptions extends FieldOwnershipOptions {
  /** force=true: take conflicting fields from their owners instead of failing. */
  readonly force: boolean;
}

export interface FieldConflict {
  /** The owner as Kubernetes prints it: `"kubectl-client-side-apply" using v1`. */
  readonly manager: string;
  readonly owner: Pick<ManagerFields, 'manager' | 'operation' | 'apiVersion' | 'subresource'>;
  /** `.spec.replicas` */
  readonly field: string;
  readonly path: FieldPath;
}

export type ApplyResult =
  | { readonly type: 'applied'; readonly object: JsonObject; readonly created: boolean; readonly changed: boolean }
  | { readonly type: 'conflict'; readonly conflicts: readonly FieldConflict[]; readonly status: Status };

/**
 * Server-side apply of `applied` onto `live` (undefined: the object does not exist yet). Throws
 * ApiError(400) for a configuration that cannot be applied; returns a conflict result (answer 409
 * with `result.status`) when fields owned by others would change and force is false.
 */
export function applyPatch(live: JsonObject | undefined, applied: unknown, options: ApplyOptions): ApplyResult {
  const schema = resolveSchema(options.strategyFor);
  const config = validateApplied(applied, schema);
  const apiVersion = config.apiVersion as string;
  const ignored = ignoredPaths(options);
  const liveObject = live === undefined ? undefined : withoutManagedFields(live);
  let managed: ManagedFields = live === undefined ? new Map() : decodeOrEmpty(valueAtFields(live, ['metadata', 'managedFields']));
  if (liveObject !== undefined && managed.size === 0) {
    managed = updateOwnership(creationBase(liveObject), liveObject, managed, {
      id: managerIdentifier({ manager: BEFORE_FIRST_APPLY_MANAGER, operation: 'Update', apiVersion: stringField(liveObject, 'apiVersion') }),
      entry: { manager: BEFORE_FIRST_APPLY_MANAGER, operation: 'Update', apiVersion: stringField(liveObject, 'apiVersion') },
      schema,
      ignored,
      time: managedFieldsTime(options.nowIso),
    });
  }

  const applier = { manager: options.manager, operation: 'Apply' as const, apiVersion, ...(options.subresource ? { subresource: options.subresource } : {}) };
  const applierId = managerIdentifier(applier);
  const configSet = toFieldSet(config, schema).withoutSubtrees(ignored);
  const lastSet = managed.get(applierId)?.set;
  const withApplier: ManagedFields = new Map(managed);
  withApplier.set(applierId, { ...applier, ...timeOf(managed.get(applierId)), set: configSet });

  const base = liveObject ?? creationBase(config);
  let merged = dropNulls(mergeForApply(liveObject ?? {}, config, schema) as JsonObject) as JsonObject;
  merged = restoreIgnored(merged, liveObject, options.ignoredFields ?? []);
  merged = prune(merged, lastSet, withApplier, schema);

  const comparison = filterComparison(compareValues(base, merged, schema), ignored);
  let conflicts = findConflicts(withApplier, applierId, comparison);
  if (conflicts.length > 0 && !options.force && options.manager === KUBECTL_MANAGER && liveObject !== undefined) {
    const allowed = allowedFromLastApplied(liveObject, schema);
    if (allowed !== undefined) conflicts = conflicts.filter((c) => !allowed.has(c.path));
  }
  if (conflicts.length > 0 && !options.force) return { type: 'conflict', conflicts, status: applyConflictsStatus(conflicts) };

  const next = stripAll(releaseFields(withApplier, applierId, comparison));
  const object = options.manager === KUBECTL_MANAGER && liveObject !== undefined ? syncLastApplied(merged, liveObject, config) : merged;
  const changed = liveObject === undefined || !jsonEqual(liveObject, object);
  const applierEntry = next.get(applierId);
  if (applierEntry !== undefined && (changed || applierEntry.time === undefined)) {
    next.set(applierId, { ...applierEntry, time: managedFieldsTime(options.nowIso) });
  }
  return { type: 'applied', object: withManagedFields(object, next), created: live === undefined, changed };
}

/**
 * Records a non-apply write (create, update, JSON / merge / strategic patch) by `manager`: returns
 * `updated` with metadata.managedFields recomputed. managedFields sent in `updated` replace the
 * live ones when valid and non-empty (a client may edit them); `[{}]` clears them.
 */
export function trackUpdate(live: JsonObject | undefined, updated: JsonObject, options: FieldOwnershipOptions & { readonly apiVersion?: string }): JsonObject {
  const schema = resolveSchema(options.strategyFor);
  const ignored = ignoredPaths(options);
  const newObject = withoutManagedFields(updated);
  const liveObject = live === undefined ? undefined : withoutManagedFields(live);
  const managed = managedForUpdate(live, updated, options.subresource !== undefined);
  const apiVersion = options.apiVersion ?? stringField(newObject, 'apiVersion');
  const entry = { manager: options.manager, operation: 'Update' as const, apiVersion, ...(options.subresource ? { subresource: options.subresource } : {}) };
  let next = updateOwnership(liveObject ?? creationBase(newObject), newObject, managed, {
    id: managerIdentifier(entry),
    entry,
    schema,
    ignored,
    time: managedFieldsTime(options.nowIso),
  });
  next = capUpdateManagers(stripAll(next));
  return withManagedFields(newObject, next);
}

interface UpdateTarget {
  readonly id: string;
  readonly entry: Pick<ManagerFields, 'manager' | 'operation' | 'apiVersion' | 'subresource'>;
  readonly schema: ObjectSchema;
  readonly ignored: readonly FieldPath[];
  readonly time: string | undefined;
}

/** Updater.Update through managedFieldsUpdater: changed fields move to the writer, merged with its earlier entry. */
function updateOwnership(lhs: JsonObject, rhs: JsonObject, managed: ManagedFields, target: UpdateTarget): ManagedFields {
  const comparison = filterComparison(compareValues(lhs, rhs, target.schema), target.ignored);
  const next = releaseFields(managed, undefined, comparison);
  const taken = stripServerFields(comparison.modified.union(comparison.added).difference(comparison.removed));
  if (taken.isEmpty()) return next;
  const previous = next.get(target.id);
  next.set(target.id, {
    ...target.entry,
    ...(target.time !== undefined ? { time: target.time } : timeOf(previous)),
    set: previous === undefined ? taken : previous.set.union(taken),
  });
  return next;
}

/** Removes added/modified fields from every manager but `keep`, and removed fields from all. */
function releaseFields(managed: ManagedFields, keep: string | undefined, comparison: Comparison): ManagedFields {
  const changed = comparison.modified.union(comparison.added);
  const out: ManagedFields = new Map();
  for (const [id, entry] of managed) {
    // The writer keeps what it just claimed (an applied null is owned though removed).
    const set = id === keep ? entry.set : entry.set.difference(changed).difference(comparison.removed);
    if (!set.isEmpty() || id === keep) out.set(id, { ...entry, set });
  }
  return out;
}

function findConflicts(managed: ManagedFields, applierId: string, comparison: Comparison): FieldConflict[] {
  const changed = comparison.modified.union(comparison.added);
  const conflicts: FieldConflict[] = [];
  const ids = [...managed.keys()].filter((id) => id !== applierId).sort();
  for (const id of ids) {
    const entry = managed.get(id) as ManagerFields;
    const owner = { manager: entry.manager, operation: entry.operation, apiVersion: entry.apiVersion, ...(entry.subresource ? { subresource: entry.subresource } : {}) };
    for (const path of entry.set.intersection(changed).paths()) {
      conflicts.push({ manager: describeManager(owner), owner, field: fieldPathString(path), path });
    }
  }
  return conflicts;
}

/** The 409 Kubernetes answers: message `Apply failed with N conflict(s): ...`, one FieldManagerConflict cause each. */
export function applyConflictsStatus(conflicts: readonly FieldConflict[]): Status {
  const causes = conflicts.map((c) => ({ reason: CauseType.FieldManagerConflict, message: `conflict with ${c.manager}`, field: c.field }));
  return applyConflictStatus(causes, conflictMessage(conflicts));
}

function conflictMessage(conflicts: readonly FieldConflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only !== undefined) return `Apply failed with 1 conflict: conflict with ${only.manager}: ${only.field}`;
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${manager}:`);
    for (const field of byManager.get(manager) ?? []) lines.push(`- ${field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/**
 * Prune: fields the applier owned last time and no longer applies are removed when nobody else
 * owns them (or anything below them); named ancestors count as owned (EnsureNamedFieldsAreMembers).
 */
function prune(merged: JsonObject, lastSet: FieldSet | undefined, managed: ManagedFields, schema: ObjectSchema): JsonObject {
  if (lastSet === undefined || lastSet.isEmpty()) return merged;
  let owned = FieldSet.empty();
  for (const entry of managed.values()) owned = owned.union(entry.set);
  const candidates = lastSet.withNamedAncestors().difference(owned.withNamedAncestors()).paths();
  candidates.sort((a, b) => a.length - b.length);
  const removed: FieldPath[] = [];
  let out: JsonValue = merged;
  for (const path of candidates) {
    if (removed.some((prefix) => isPrefix(prefix, path))) continue;
    out = removePath(out, path, schema);
    removed.push(path);
  }
  return out as JsonObject;
}

function isPrefix(prefix: FieldPath, path: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((element, i) => jsonEqual(element, path[i]));
}

/** Fields in the last-applied annotation whose live value still matches may be taken by `kubectl` (lastAppliedManager). */
function allowedFromLastApplied(liveObject: JsonObject, schema: ObjectSchema): FieldSet | undefined {
  const text = valueAtFields(liveObject, ['metadata', 'annotations', LAST_APPLIED_ANNOTATION]);
  if (typeof text !== 'string' || text === '') return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isJsonObject(lastApplied) || lastApplied.apiVersion !== liveObject.apiVersion) return undefined;
  try {
    const comparison = compareValues(lastApplied, liveObject, schema);
    return toFieldSet(lastApplied, schema).difference(comparison.modified).difference(comparison.added).difference(comparison.removed);
  } catch {
    return undefined;
  }
}

/** lastAppliedUpdater: when the live object has the annotation, it follows what kubectl applied. */
function syncLastApplied(object: JsonObject, liveObject: JsonObject, config: JsonObject): JsonObject {
  if (valueAtFields(liveObject, ['metadata', 'annotations', LAST_APPLIED_ANNOTATION]) === undefined) return object;
  const annotations = valueAtFields(config, ['metadata', 'annotations']);
  let recorded = config;
  if (isJsonObject(annotations) && Object.hasOwn(annotations, LAST_APPLIED_ANNOTATION)) {
    const { [LAST_APPLIED_ANNOTATION]: _previous, ...rest } = annotations;
    recorded = withValueAtFields(config, ['metadata', 'annotations'], rest);
  }
  return withValueAtFields(object, ['metadata', 'annotations', LAST_APPLIED_ANNOTATION], canonicalJson(recorded));
}

function validateApplied(applied: unknown, schema: ObjectSchema): JsonObject {
  if (!isJsonObject(applied)) throw new ApiError(badRequestStatus('the apply configuration must be an object'));
  if (typeof applied.apiVersion !== 'string' || applied.apiVersion === '') {
    throw new ApiError(badRequestStatus("Object 'apiVersion' is missing in the apply configuration"));
  }
  if (typeof applied.kind !== 'string' || applied.kind === '') throw new ApiError(badRequestStatus("Object 'Kind' is missing in the apply configuration"));
  const managedFields = valueAtFields(applied, ['metadata', 'managedFields']);
  if (managedFields !== undefined && managedFields !== null) throw new ApiError(badRequestStatus('metadata.managedFields must be nil'));
  try {
    validateListKeys(applied, schema);
  } catch (error) {
    if (!(error instanceof TypedValueError)) throw error;
    const name = stringField(applied, 'metadata', 'name');
    const namespace = stringField(applied, 'metadata', 'namespace');
    const where = `${namespace}/${name}; ${applied.apiVersion}, Kind=${applied.kind}`;
    throw new ApiError(badRequestStatus(`failed to create typed patch object (${where}): ${fieldPathString(error.path)}: ${error.message}`));
  }
  return applied;
}

function ignoredPaths(options: FieldOwnershipOptions): FieldPath[] {
  return (options.ignoredFields ?? []).map((names) => names.map(fieldElement));
}

function filterComparison(comparison: Comparison, ignored: readonly FieldPath[]): Comparison {
  if (ignored.length === 0) return comparison;
  return {
    added: comparison.added.withoutSubtrees(ignored),
    modified: comparison.modified.withoutSubtrees(ignored),
    removed: comparison.removed.withoutSubtrees(ignored),
  };
}

/** Reset fields keep their live value whatever the configuration says. */
function restoreIgnored(merged: JsonObject, liveObject: JsonObject | undefined, ignored: readonly (readonly string[])[]): JsonObject {
  let out = merged;
  for (const names of ignored) out = withValueAtFields(out, names, valueAtFields(liveObject, names));
  return out;
}

function stripAll(managed: ManagedFields): ManagedFields {
  const out: ManagedFields = new Map();
  for (const [id, entry] of managed) {
    const set = stripServerFields(entry.set);
    if (!set.isEmpty()) out.set(id, { ...entry, set });
  }
  return out;
}

function managedForUpdate(live: JsonObject | undefined, updated: JsonObject, fromSubresource: boolean): ManagedFields {
  const liveManaged: ManagedFields = live === undefined ? new Map() : decodeOrEmpty(valueAtFields(live, ['metadata', 'managedFields']));
  if (fromSubresource) return liveManaged;
  const sent = valueAtFields(updated, ['metadata', 'managedFields']);
  if (Array.isArray(sent) && sent.length === 1 && isJsonObject(sent[0]) && Object.keys(sent[0]).length === 0) return new Map();
  const decoded = decodeOrEmpty(sent);
  return decoded.size > 0 ? decoded : liveManaged;
}

function decodeOrEmpty(value: JsonValue | undefined): ManagedFields {
  try {
    return decodeManagedFields(value);
  } catch {
    // Kubernetes resets unreadable managedFields rather than failing the write.
    return new Map();
  }
}

/**
 * What a new object is compared against: the zero value of a typed object has `metadata`,
 * `spec` and `status` present but empty, so creating them is not itself an owned change.
 */
function creationBase(object: JsonObject): JsonObject {
  const base: JsonObject = {};
  for (const key of ['metadata', 'spec', 'status']) if (isJsonObject(object[key])) setOwn(base, key, {});
  return base;
}

function withoutManagedFields(object: JsonObject): JsonObject {
  const metadata = object.metadata;
  if (!isJsonObject(metadata) || !Object.hasOwn(metadata, 'managedFields')) return object;
  const { managedFields: _managed, ...rest } = metadata;
  return { ...object, metadata: rest };
}

function withManagedFields(object: JsonObject, managed: ManagedFields): JsonObject {
  const entries = encodeManagedFields(managed);
  const base = withoutManagedFields(object);
  if (entries.length === 0) return base;
  const metadata = isJsonObject(base.metadata) ? base.metadata : {};
  return { ...base, metadata: { ...metadata, managedFields: entries as unknown as JsonValue } };
}

function timeOf(entry: ManagerFields | undefined): { time?: string } {
  return entry?.time !== undefined ? { time: entry.time } : {};
}

function stringField(object: JsonObject, ...fields: string[]): string {
  const value = valueAtFields(object, fields);
  return typeof value === 'string' ? value : '';
}

function resolveSchema(strategy: KindKey | ObjectSchema): ObjectSchema {
  return typeof strategy === 'object' && 'type' in strategy ? strategy : strategyFor(strategy);
}

/** managerFromUserAgent: Kubernetes' default field manager, the User-Agent up to the first `/`. */
export function managerFromUserAgent(userAgent: string): string {
  return userAgent.split('/')[0] ?? '';
}
