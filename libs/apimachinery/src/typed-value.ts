// Schema-aware walks over JSON objects for server-side apply (structured-merge-diff's typed
// package, reduced to what Skiff's schemas describe): the set of fields a value sets, the
// comparison of two versions (added / modified / removed paths), the apply merge, and removing a
// path. Atomic parts (atomic lists and structs, and every list the schema does not describe) are
// single leaves; keyed lists are addressed by key, sets by value.
import { FieldSet } from './field-set.js';
import { fieldElement, keyElement, serializeElement, type FieldPath, type PathElement } from './field-path.js';
import { fieldSchema, itemSchema, type ListSchema, type TypeSchema } from './patch-strategy.js';
import { isJsonObject, jsonEqual, setOwn, type JsonObject, type JsonValue } from './json-value.js';

export class TypedValueError extends Error {
  override readonly name = 'TypedValueError';

  constructor(
    readonly path: FieldPath,
    message: string,
  ) {
    super(message);
  }
}

function isAtomic(schema: TypeSchema | undefined, value: JsonValue | undefined): boolean {
  if (schema === undefined) return Array.isArray(value);
  if (schema.type === 'list') return schema.list === 'atomic';
  return schema.atomic === true;
}

function mergingList(schema: TypeSchema | undefined): Exclude<ListSchema, { list: 'atomic' }> | undefined {
  return schema?.type === 'list' && schema.list !== 'atomic' ? schema : undefined;
}

/**
 * The path element of a list item: its keys (with defaults) for a map list, its value for a set.
 * Undefined when the item cannot be addressed (a missing key without default, a non-scalar in a set).
 */
export function listItemElement(item: JsonValue, schema: Exclude<ListSchema, { list: 'atomic' }>): PathElement | undefined {
  if (schema.list === 'set') return isJsonObject(item) || Array.isArray(item) ? undefined : { type: 'value', value: item };
  if (!isJsonObject(item)) return undefined;
  const fields: Record<string, JsonValue> = {};
  for (const key of schema.keys) {
    if (Object.hasOwn(item, key) && item[key] !== null) fields[key] = item[key] as JsonValue;
    else if (Object.hasOwn(schema.keyDefaults, key)) fields[key] = schema.keyDefaults[key] ?? null;
    else return undefined;
  }
  return keyElement(fields);
}

/** Items by element; undefined when some item cannot be addressed (then the list is treated whole). */
function indexItems(list: readonly JsonValue[], schema: Exclude<ListSchema, { list: 'atomic' }>): Map<string, { element: PathElement; item: JsonValue }> | undefined {
  const out = new Map<string, { element: PathElement; item: JsonValue }>();
  for (const item of list) {
    const element = listItemElement(item, schema);
    if (element === undefined) return undefined;
    const key = serializeElement(element);
    if (!out.has(key)) out.set(key, { element, item });
  }
  return out;
}

/**
 * Checks that every keyed-list item of an applied configuration carries its keys; throws
 * TypedValueError with structured-merge-diff's wording otherwise.
 */
export function validateListKeys(value: JsonValue, schema: TypeSchema | undefined, path: FieldPath = []): void {
  if (isJsonObject(value)) {
    if (isAtomic(schema, value)) return;
    for (const [key, child] of Object.entries(value)) validateListKeys(child, fieldSchema(schema, key), [...path, fieldElement(key)]);
    return;
  }
  const list = mergingList(schema);
  if (!Array.isArray(value) || list === undefined) return;
  value.forEach((item, i) => {
    if (listItemElement(item, list) === undefined) {
      const detail =
        list.list === 'map'
          ? `associative list with keys has an element that omits key field ${JSON.stringify(list.keys.find((k) => !isJsonObject(item) || !Object.hasOwn(item, k)) ?? list.keys[0])} (and doesn't have default value)`
          : 'set items must be scalars';
      throw new TypedValueError(path, `element ${i}: ${detail}`);
    }
    if (list.list === 'map') validateListKeys(item, itemSchema(list), [...path, listItemElement(item, list) as PathElement]);
  });
}

/** The fields a value sets (TypedValue.ToFieldSet): leaves, list items, and null or empty fields. */
export function toFieldSet(value: JsonObject, schema: TypeSchema | undefined): FieldSet {
  const paths: FieldPath[] = [];
  collectFields(value, schema, [], paths);
  return FieldSet.of(paths);
}

function collectFields(value: JsonValue, schema: TypeSchema | undefined, path: PathElement[], out: FieldPath[]): void {
  if (isAtomic(schema, value)) {
    out.push(path);
    return;
  }
  if (isJsonObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, fieldElement(key)];
      collectFields(child, fieldSchema(schema, key), childPath, out);
      if (child === null || (isJsonObject(child) && Object.keys(child).length === 0)) out.push(childPath);
    }
    return;
  }
  const list = mergingList(schema);
  if (Array.isArray(value) && list !== undefined) {
    const items = indexItems(value, list);
    if (items === undefined) {
      out.push(path);
      return;
    }
    for (const { element, item } of items.values()) {
      const itemPath = [...path, element];
      if (list.list === 'map') collectFields(item, itemSchema(list), itemPath, out);
      out.push(itemPath);
    }
    return;
  }
  out.push(path);
}

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/** Paths added, modified and removed going from `lhs` to `rhs` (TypedValue.Compare). */
export function compareValues(lhs: JsonObject, rhs: JsonObject, schema: TypeSchema | undefined): Comparison {
  const acc = { added: [] as FieldPath[], modified: [] as FieldPath[], removed: [] as FieldPath[] };
  compareNode(lhs, rhs, schema, [], acc);
  return { added: FieldSet.of(acc.added), modified: FieldSet.of(acc.modified), removed: FieldSet.of(acc.removed) };
}

interface Accumulator {
  added: FieldPath[];
  modified: FieldPath[];
  removed: FieldPath[];
}

function leaf(lhs: JsonValue | undefined, rhs: JsonValue | undefined, path: PathElement[], acc: Accumulator): void {
  if (lhs === undefined) acc.added.push(path);
  else if (rhs === undefined) acc.removed.push(path);
  else if (!jsonEqual(lhs, rhs)) acc.modified.push(path);
}

function isEmptyMap(value: JsonValue | undefined): boolean {
  return value === undefined || value === null || (isJsonObject(value) && Object.keys(value).length === 0);
}

function isEmptyList(value: JsonValue | undefined): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

function compareNode(lhs: JsonValue | undefined, rhs: JsonValue | undefined, schema: TypeSchema | undefined, path: PathElement[], acc: Accumulator): void {
  const sample = rhs ?? lhs;
  if (isAtomic(schema, sample)) return leaf(lhs, rhs, path, acc);
  const objects = (lhs === undefined || isJsonObject(lhs)) && (rhs === undefined || isJsonObject(rhs));
  if (objects && (isJsonObject(lhs) || isJsonObject(rhs))) {
    if (isEmptyMap(lhs) && isEmptyMap(rhs)) return leaf(lhs, rhs, path, acc);
    const l = lhs as JsonObject | undefined;
    const r = rhs as JsonObject | undefined;
    const keys = new Set([...Object.keys(l ?? {}), ...Object.keys(r ?? {})]);
    for (const key of keys) {
      const lv = l !== undefined && Object.hasOwn(l, key) ? l[key] : undefined;
      const rv = r !== undefined && Object.hasOwn(r, key) ? r[key] : undefined;
      compareNode(lv, rv, fieldSchema(schema, key), [...path, fieldElement(key)], acc);
    }
    return nodePresence(lhs, rhs, path, acc);
  }
  const list = mergingList(schema);
  const lists = (lhs === undefined || Array.isArray(lhs)) && (rhs === undefined || Array.isArray(rhs));
  if (list !== undefined && lists && (Array.isArray(lhs) || Array.isArray(rhs))) {
    if (isEmptyList(lhs) && isEmptyList(rhs)) return leaf(lhs, rhs, path, acc);
    const l = indexItems((lhs as JsonValue[] | undefined) ?? [], list);
    const r = indexItems((rhs as JsonValue[] | undefined) ?? [], list);
    if (l === undefined || r === undefined) return leaf(lhs, rhs, path, acc);
    for (const key of new Set([...l.keys(), ...r.keys()])) {
      const element = (l.get(key) ?? r.get(key))?.element as PathElement;
      const itemPath = [...path, element];
      const li = l.get(key)?.item;
      const ri = r.get(key)?.item;
      if (list.list === 'map') compareNode(li, ri, itemSchema(list), itemPath, acc);
      else leaf(li, ri, itemPath, acc);
    }
    return nodePresence(lhs, rhs, path, acc);
  }
  leaf(lhs, rhs, path, acc);
}

/** A whole map or list that appears or disappears is itself added or removed (the `.` entries). */
function nodePresence(lhs: JsonValue | undefined, rhs: JsonValue | undefined, path: PathElement[], acc: Accumulator): void {
  if (path.length === 0) return;
  if (lhs === undefined) acc.added.push(path);
  else if (rhs === undefined) acc.removed.push(path);
}

/**
 * The apply merge (TypedValue.Merge): the configuration wins field by field; keyed lists and sets
 * merge by item, keeping live-only items where they were and the configuration's order for the rest.
 */
export function mergeForApply(lhs: JsonValue | undefined, rhs: JsonValue | undefined, schema: TypeSchema | undefined): JsonValue | undefined {
  if (rhs === undefined) return lhs;
  if (lhs === undefined || isAtomic(schema, rhs)) return rhs;
  if (isJsonObject(lhs) && isJsonObject(rhs)) {
    const out: JsonObject = { ...lhs };
    for (const [key, value] of Object.entries(rhs)) {
      const merged = mergeForApply(Object.hasOwn(lhs, key) ? lhs[key] : undefined, value, fieldSchema(schema, key));
      if (merged !== undefined) setOwn(out, key, merged);
    }
    return out;
  }
  const list = mergingList(schema);
  if (Array.isArray(lhs) && Array.isArray(rhs) && list !== undefined) return mergeLists(lhs, rhs, list);
  return rhs;
}

function mergeLists(lhs: JsonValue[], rhs: JsonValue[], list: Exclude<ListSchema, { list: 'atomic' }>): JsonValue[] {
  const l = indexItems(lhs, list);
  const r = indexItems(rhs, list);
  if (l === undefined || r === undefined) return rhs;
  const out: JsonValue[] = [];
  const emitted = new Set<string>();
  const rKeys = [...r.keys()];
  let next = 0;
  const emitRight = (key: string): void => {
    const right = r.get(key);
    if (right === undefined || emitted.has(key)) return;
    emitted.add(key);
    const left = l.get(key)?.item;
    const merged = list.list === 'map' ? mergeForApply(left, right.item, itemSchema(list)) : right.item;
    if (merged !== undefined) out.push(merged);
  };
  for (const item of lhs) {
    const key = serializeElement(listItemElement(item, list) as PathElement);
    // Live-only items (duplicates included) stay where they are.
    if (!r.has(key)) {
      out.push(item);
      continue;
    }
    // A shared item: the configuration's items up to it come first, in the configuration's order.
    while (next < rKeys.length && !emitted.has(key)) emitRight(rKeys[next++] as string);
  }
  while (next < rKeys.length) emitRight(rKeys[next++] as string);
  return out;
}

/** Removes object fields whose value is null (a configuration's null unsets the field). */
export function dropNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) if (child !== null) setOwn(out, key, dropNulls(child));
  return out;
}

/** Removes the value at `path` (every matching list item); returns a new value, or the same when absent. */
export function removePath(value: JsonValue, path: FieldPath, schema: TypeSchema | undefined): JsonValue {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (head.type === 'field') {
    if (!isJsonObject(value) || !Object.hasOwn(value, head.name)) return value;
    const out: JsonObject = { ...value };
    if (rest.length === 0) delete out[head.name];
    else setOwn(out, head.name, removePath(value[head.name] as JsonValue, rest, fieldSchema(schema, head.name)));
    return out;
  }
  if (!Array.isArray(value)) return value;
  if (head.type === 'index') {
    if (head.index >= value.length) return value;
    if (rest.length === 0) return value.filter((_, i) => i !== head.index);
    return value.map((item, i) => (i === head.index ? removePath(item, rest, undefined) : item));
  }
  const list = mergingList(schema);
  if (list === undefined) return value;
  const target = serializeElement(head);
  const matches = (item: JsonValue): boolean => {
    const element = listItemElement(item, list);
    return element !== undefined && serializeElement(element) === target;
  };
  if (rest.length === 0) return value.filter((item) => !matches(item));
  return value.map((item) => (matches(item) ? removePath(item, rest, itemSchema(list)) : item));
}

/** The value at a path of field names (undefined when absent). */
export function valueAtFields(value: JsonValue | undefined, fields: readonly string[]): JsonValue | undefined {
  let current = value;
  for (const field of fields) {
    if (!isJsonObject(current) || !Object.hasOwn(current, field)) return undefined;
    current = current[field];
  }
  return current;
}

/** Sets (or, with undefined, deletes) the value at a path of field names, creating objects on the way. */
export function withValueAtFields(value: JsonObject, fields: readonly string[], replacement: JsonValue | undefined): JsonObject {
  const [head, ...rest] = fields;
  if (head === undefined) return value;
  const out: JsonObject = { ...value };
  if (rest.length === 0) {
    if (replacement === undefined) delete out[head];
    else setOwn(out, head, replacement);
    return out;
  }
  const child = Object.hasOwn(value, head) && isJsonObject(value[head]) ? (value[head] as JsonObject) : undefined;
  if (child === undefined && replacement === undefined) return value;
  setOwn(out, head, withValueAtFields(child ?? {}, rest, replacement));
  return out;
}
