// Strategic merge patch (`application/strategic-merge-patch+json`), applied the way the API server
// applies it (k8s.io/apimachinery/pkg/util/strategicpatch, server side: parallel lists merged,
// unmatched nulls ignored). Lists follow the kind's schema (patch-strategy.ts): merge by key,
// merge as a set, or replace. Directives:
//   $patch: replace | delete | merge      on a map, or as a list element
//   $retainKeys: [keys]                    keep only these keys of the original map
//   $deleteFromPrimitiveList/<field>: [v]  remove values from a primitive list
//   $setElementOrder/<field>: [...]        final order of a merged list (kubectl apply sends it)
//   field: null                            delete the field
// Order of a merged list, as Kubernetes: $setElementOrder, then the patch's order, then the live
// order; a new item the live list does not place comes before the remaining live-only items.
// Differences, chosen on purpose: `$patch: merge` is accepted as a no-op (Kubernetes rejects it on
// lists); values added by a patch are cleaned of directives and nulls (Kubernetes leaves that to
// its typed decoder); a deletion list for a missing field deletes nothing.
import { goValue } from './go-format.js';
import { PatchError, PatchType } from './patch-error.js';
import { fieldSchema, itemSchema, strategyFor, type KindKey, type ObjectSchema, type TypeSchema } from './patch-strategy.js';
import { isJsonObject, jsonClone, setOwn, type JsonObject, type JsonValue } from './json-value.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

function bad(message: string): PatchError {
  return PatchError.badRequest(PatchType.StrategicMergePatch, message);
}

function noMergeKey(item: unknown, mergeKey: string): PatchError {
  return bad(`map: ${goValue(item)} does not contain declared merge key: ${mergeKey}`);
}

function asObjectSchema(schema: TypeSchema | undefined): ObjectSchema | undefined {
  return schema?.type === 'object' ? schema : undefined;
}

/** Applies a strategic merge patch for a kind (`Pod`, `apps/Deployment`, or {group, kind}). */
export function strategicMergePatch(kind: KindKey, original: JsonObject, patch: unknown): JsonObject {
  return strategicMergePatchWithSchema(strategyFor(kind), original, patch);
}

/** Applies a strategic merge patch with an explicit schema; the inputs are not modified. */
export function strategicMergePatchWithSchema(schema: ObjectSchema | undefined, original: JsonObject, patch: unknown): JsonObject {
  if (!isJsonObject(patch)) throw bad('invalid JSON document');
  return mergeMap(original, patch, schema);
}

function mergeMap(original: JsonObject, patchIn: JsonObject, schema: ObjectSchema | undefined): JsonObject {
  let patch: JsonObject = { ...patchIn };
  if (Object.hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    delete patch[DIRECTIVE];
    if (directive === 'replace') return mergeMap({}, patch, schema);
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw bad(`unknown patch type: ${goValue(directive)} in map: ${goValue(patchIn)}`);
    patch = { ...patch };
  }
  const result: JsonObject = { ...original };
  applyRetainKeys(result, patch);
  applySetElementOrder(result, patch, schema);
  const deletions: [string, JsonValue][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      if (field === '') throw bad('invalid patch format of primitive list');
      deletions.push([field, value]);
    } else if (value === null) {
      delete result[key];
    } else {
      setOwn(result, key, mergeField(Object.hasOwn(result, key) ? result[key] : undefined, value, fieldSchema(schema, key)));
    }
  }
  for (const [field, values] of deletions) deleteFromPrimitiveList(result, field, values);
  return result;
}

function mergeField(current: JsonValue | undefined, value: JsonValue, schema: TypeSchema | undefined): JsonValue {
  if (current === undefined) return cleanValue(value, schema);
  if (isJsonObject(current) && isJsonObject(value)) return mergeMap(current, value, asObjectSchema(schema));
  if (Array.isArray(current) && Array.isArray(value)) return mergeList(current, value, schema);
  return cleanValue(value, schema);
}

/** A value the patch adds outright, with its directives applied against nothing. */
function cleanValue(value: JsonValue, schema: TypeSchema | undefined): JsonValue {
  if (isJsonObject(value)) return mergeMap({}, value, asObjectSchema(schema));
  if (Array.isArray(value) && isMergingList(schema)) return mergeList([], value, schema);
  return jsonClone(value);
}

function isMergingList(schema: TypeSchema | undefined): boolean {
  return schema?.type === 'list' && schema.list !== 'atomic';
}

function applyRetainKeys(result: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw bad('invalid patch format of retainKeys');
  const keep = new Set<JsonValue>(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(key)) throw bad('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(result)) if (!keep.has(key)) delete result[key];
}

function deleteFromPrimitiveList(result: JsonObject, field: string, values: JsonValue): void {
  if (!Array.isArray(values)) throw bad('invalid patch format of primitive list');
  const current = Object.hasOwn(result, field) ? result[field] : undefined;
  if (!Array.isArray(current)) return;
  setOwn(result, field, current.filter((item) => !values.some((value) => value === item)));
}

/** $setElementOrder/<field>: merges the list now, then orders it; the field leaves the patch. */
function applySetElementOrder(result: JsonObject, patch: JsonObject, schema: ObjectSchema | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    const field = key.slice(SET_ELEMENT_ORDER.length);
    if (field === '' || !Array.isArray(order)) throw bad('invalid patch format of setElementOrder list');
    const listSchema = fieldSchema(schema, field);
    if (!isMergingList(listSchema)) continue;
    const mergeKey = listSchema?.type === 'list' && listSchema.list === 'map' ? listSchema.mergeKey : '';
    const originalList = listAt(result, field);
    const patchList = Object.hasOwn(patch, field) && patch[field] !== null ? patch[field] : undefined;
    if (patchList !== undefined && !Array.isArray(patchList)) throw bad(`expected a list for ${field}, but received ${goValue(patchList)}`);
    if (patchList !== undefined) validateOrder(patchList, order, mergeKey);
    let merged: JsonValue[];
    if (originalList !== undefined && patchList !== undefined) merged = mergeList(originalList, patchList, listSchema);
    else if (patchList !== undefined) merged = mergeList([], patchList, listSchema);
    else if (originalList !== undefined) merged = originalList;
    else continue;
    const { inside, outside } = partition(merged, order, mergeKey);
    setOwn(result, field, normalizeElementOrder(inside, outside, order, originalList ?? [], mergeKey));
    delete patch[field];
  }
}

function listAt(object: JsonObject, field: string): JsonValue[] | undefined {
  if (!Object.hasOwn(object, field)) return undefined;
  const value = object[field];
  if (value === null || value === undefined) return undefined;
  if (!Array.isArray(value)) throw bad(`expected a list for ${field}, but received ${goValue(value)}`);
  return value;
}

/** Every non-delete patch item must appear in the order list, in the same relative order. */
function validateOrder(patchList: readonly JsonValue[], order: readonly JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey === '' ? patchList : patchList.filter((item) => !(isJsonObject(item) && item[DIRECTIVE] === 'delete'));
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isJsonObject(item) && Object.hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (sameElement(item, order[o], mergeKey, true)) p++;
    o++;
  }
  if (p < items.length) {
    throw bad(`The order in patch list:\n${goValue(patchList)}\n doesn't match $setElementOrder list:\n${goValue(order)}\n`);
  }
}

function sameElement(a: JsonValue | undefined, b: JsonValue | undefined, mergeKey: string, strict = false): boolean {
  if (mergeKey === '') return a === b;
  if (!isJsonObject(a) || !Object.hasOwn(a, mergeKey)) {
    if (strict) throw noMergeKey(a, mergeKey);
    return false;
  }
  if (!isJsonObject(b) || !Object.hasOwn(b, mergeKey)) {
    if (strict) throw noMergeKey(b, mergeKey);
    return false;
  }
  return a[mergeKey] === b[mergeKey];
}

function mergeList(original: JsonValue[], patch: JsonValue[], schema: TypeSchema | undefined): JsonValue[] {
  if (!isMergingList(schema)) return cleanValue(patch, schema) as JsonValue[];
  if (original.length === 0 && patch.length === 0) return original;
  const objects = elementsAreObjects(original, patch);
  if (!objects) {
    const merged = dedupe([...original, ...patch]);
    const { inside, outside } = partition(merged, patch, '');
    return normalizeElementOrder(inside, outside, patch, original, '');
  }
  const mergeKey = schema?.type === 'list' && schema.list === 'map' ? schema.mergeKey : '';
  if (mergeKey === '') throw bad('cannot merge lists without merge key for type map');
  const items = itemSchema(schema);
  const special = applySpecialElements(original, patch, mergeKey, items);
  const merged = [...special.original];
  for (const item of special.patch) {
    if (!isJsonObject(item) || !Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const index = merged.findIndex((existing) => isJsonObject(existing) && existing[mergeKey] === item[mergeKey]);
    const existing = index >= 0 ? merged[index] : undefined;
    if (isJsonObject(existing)) merged[index] = mergeMap(existing, item, items);
    else merged.push(mergeMap({}, item, items));
  }
  const { inside, outside } = partition(merged, special.patch, mergeKey);
  return normalizeElementOrder(inside, outside, special.patch, special.original, mergeKey);
}

/** Element types must agree; lists of lists do not exist in the API (Kubernetes answers 422). */
function elementsAreObjects(original: readonly JsonValue[], patch: readonly JsonValue[]): boolean {
  let kind: string | undefined;
  for (const item of [...original, ...patch]) {
    const itemKind = Array.isArray(item) ? 'list' : isJsonObject(item) ? 'map' : item === null ? 'null' : typeof item;
    if (itemKind === 'list') throw PatchError.unprocessable(PatchType.StrategicMergePatch, 'lists of lists are not supported');
    if (kind !== undefined && kind !== itemKind) throw bad(`list element types are not identical: ${goValue([original, patch])}`);
    kind = itemKind;
  }
  return kind === 'map';
}

function dedupe(values: readonly JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const value of values) if (!out.some((seen) => seen === value)) out.push(value);
  return out;
}

/** `{$patch: delete, key: k}` removes k; `{$patch: replace}` makes the other elements the list. */
function applySpecialElements(
  original: readonly JsonValue[],
  patch: readonly JsonValue[],
  mergeKey: string,
  items: ObjectSchema | undefined,
): { original: JsonValue[]; patch: JsonValue[] } {
  let kept = [...original];
  const rest: JsonValue[] = [];
  let replace = false;
  for (const item of patch) {
    if (!isJsonObject(item) || !Object.hasOwn(item, DIRECTIVE)) {
      rest.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      kept = kept.filter((existing) => !(isJsonObject(existing) && existing[mergeKey] === item[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      const { [DIRECTIVE]: _marker, ...plain } = item;
      rest.push(plain);
    } else {
      throw bad(`unknown patch type: ${goValue(directive)} in map: ${goValue(item)}`);
    }
  }
  if (replace) return { original: rest.map((item) => (isJsonObject(item) ? mergeMap({}, item, items) : item)), patch: [] };
  return { original: kept, patch: rest };
}

function partition(merged: readonly JsonValue[], by: readonly JsonValue[], mergeKey: string): { inside: JsonValue[]; outside: JsonValue[] } {
  const inside: JsonValue[] = [];
  const outside: JsonValue[] = [];
  for (const item of merged) {
    if (mergeKey !== '' && !(isJsonObject(item) && Object.hasOwn(item, mergeKey))) throw noMergeKey(item, mergeKey);
    (by.some((other) => sameElement(item, other, mergeKey)) ? inside : outside).push(item);
  }
  return { inside, outside };
}

function indexIn(list: readonly JsonValue[], item: JsonValue, mergeKey: string): number {
  return list.findIndex((other) => sameElement(item, other, mergeKey));
}

/** Stable sort by position in `order`; items `order` does not place keep their order at the end. */
function sortByOrder(items: readonly JsonValue[], order: readonly JsonValue[], mergeKey: string): JsonValue[] {
  const placed = items.map((item, i) => ({ item, i, at: indexIn(order, item, mergeKey) }));
  placed.sort((a, b) => {
    if (a.at >= 0 && b.at >= 0) return a.at - b.at || a.i - b.i;
    if (a.at >= 0) return -1;
    if (b.at >= 0) return 1;
    return a.i - b.i;
  });
  return placed.map(({ item }) => item);
}

/**
 * normalizeElementOrder + mergeSortedSlice: patch items in patch order, live-only items in live
 * order, interleaved so that a live-only item stays before a patch item it preceded live.
 */
function normalizeElementOrder(
  patchItems: readonly JsonValue[],
  serverOnly: readonly JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
): JsonValue[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const l = left[i];
    const r = right[j];
    if (r === undefined || j >= right.length) {
      out.push(left[i++] as JsonValue);
    } else if (l === undefined || i >= left.length) {
      out.push(right[j++] as JsonValue);
    } else {
      const li = indexIn(serverOrder, l, mergeKey);
      const ri = indexIn(serverOrder, r, mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as JsonValue);
      else out.push(right[j++] as JsonValue);
    }
  }
  return out;
}
