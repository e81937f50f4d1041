// A set of field paths (structured-merge-diff's fieldpath.Set): what a manager owns. A tree of
// serialized path elements where a node may itself be a member (`.` in FieldsV1) and have
// children. The FieldsV1 JSON of managedFields is this tree.
import {
  compareSerializedElements,
  parseElement,
  serializeElement,
  FieldPathError,
  type FieldPath,
  type PathElement,
} from './field-path.js';
import { isJsonObject, setOwn, type JsonObject } from './json-value.js';

interface Node {
  member: boolean;
  readonly children: Map<string, Node>;
}

function newNode(): Node {
  return { member: false, children: new Map() };
}

/** Immutable set of paths; every operation returns a new set. */
export class FieldSet {
  private constructor(private readonly root: Node) {}

  static empty(): FieldSet {
    return new FieldSet(newNode());
  }

  static of(paths: Iterable<FieldPath>): FieldSet {
    const root = newNode();
    for (const path of paths) insertInto(root, path.map(serializeElement));
    return new FieldSet(root);
  }

  /** Decodes a FieldsV1 object; throws FieldPathError when malformed. */
  static fromFieldsV1(fields: unknown): FieldSet {
    const root = newNode();
    decodeInto(root, fields, 0);
    return new FieldSet(root);
  }

  toFieldsV1(): JsonObject {
    return encodeNode(this.root, false);
  }

  isEmpty(): boolean {
    return isEmptyNode(this.root);
  }

  has(path: FieldPath): boolean {
    let node: Node | undefined = this.root;
    for (const element of path) node = node?.children.get(serializeElement(element));
    return node?.member ?? false;
  }

  /** Member paths in structured-merge-diff's iteration order (members of a level, then subtrees). */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    collect(this.root, [], out);
    return out;
  }

  union(other: FieldSet): FieldSet {
    const root = cloneNode(this.root);
    mergeInto(root, other.root);
    return new FieldSet(root);
  }

  /** Members of this set that are not members of `other` (exact paths, not subtrees). */
  difference(other: FieldSet): FieldSet {
    return new FieldSet(combine(this.root, other.root, (a, b) => a && !b) ?? newNode());
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet(combine(this.root, other.root, (a, b) => a && b) ?? newNode());
  }

  /** This set without any member at or below the given paths. */
  withoutSubtrees(prefixes: readonly FieldPath[]): FieldSet {
    const root = cloneNode(this.root);
    for (const prefix of prefixes) removeSubtree(root, prefix.map(serializeElement));
    return new FieldSet(root);
  }

  /**
   * Adds every ancestor ending in a named field as a member (EnsureNamedFieldsAreMembers): owning
   * `spec.replicas` then also means owning `spec` when deciding what an applier may prune.
   */
  withNamedAncestors(): FieldSet {
    const root = cloneNode(this.root);
    markAncestors(root);
    return new FieldSet(root);
  }
}

function insertInto(root: Node, elements: readonly string[]): void {
  let node = root;
  for (const element of elements) {
    let child = node.children.get(element);
    if (child === undefined) {
      child = newNode();
      node.children.set(element, child);
    }
    node = child;
  }
  if (elements.length > 0) node.member = true;
}

/** Bounded by the nesting of a managedFields document (itself bounded by the request size). */
const MAX_DEPTH = 1000;

function decodeInto(node: Node, fields: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new FieldPathError('fieldsV1 nested too deeply');
  if (!isJsonObject(fields)) throw new FieldPathError('fieldsV1 must be an object');
  for (const [key, value] of Object.entries(fields)) {
    if (key === '.') {
      node.member = true;
      continue;
    }
    parseElement(key);
    const child = newNode();
    decodeInto(child, value, depth + 1);
    if (!isJsonObject(value) || Object.keys(value).length === 0) child.member = true;
    node.children.set(key, child);
  }
}

function encodeNode(node: Node, withDot: boolean): JsonObject {
  const out: JsonObject = {};
  if (withDot && node.member && node.children.size > 0) out['.'] = {};
  const keys = [...node.children.keys()].sort(compareSerializedElements);
  for (const key of keys) {
    const child = node.children.get(key);
    if (child === undefined || isEmptyNode(child)) continue;
    setOwn(out, key, encodeNode(child, true));
  }
  return out;
}

function isEmptyNode(node: Node): boolean {
  if (node.member) return false;
  for (const child of node.children.values()) if (!isEmptyNode(child)) return false;
  return true;
}

function collect(node: Node, prefix: PathElement[], out: FieldPath[]): void {
  const keys = [...node.children.keys()].sort(compareSerializedElements);
  for (const key of keys) if (node.children.get(key)?.member) out.push([...prefix, parseElement(key)]);
  for (const key of keys) {
    const child = node.children.get(key);
    if (child !== undefined && child.children.size > 0) collect(child, [...prefix, parseElement(key)], out);
  }
}

function cloneNode(node: Node): Node {
  const copy: Node = { member: node.member, children: new Map() };
  for (const [key, child] of node.children) copy.children.set(key, cloneNode(child));
  return copy;
}

function mergeInto(target: Node, source: Node): void {
  target.member ||= source.member;
  for (const [key, child] of source.children) {
    const existing = target.children.get(key);
    if (existing === undefined) target.children.set(key, cloneNode(child));
    else mergeInto(existing, child);
  }
}

function combine(a: Node, b: Node | undefined, keep: (inA: boolean, inB: boolean) => boolean): Node | undefined {
  const out: Node = { member: keep(a.member, b?.member ?? false), children: new Map() };
  for (const [key, child] of a.children) {
    const combined = combine(child, b?.children.get(key), keep);
    if (combined !== undefined) out.children.set(key, combined);
  }
  return out.member || out.children.size > 0 ? out : undefined;
}

function removeSubtree(root: Node, elements: readonly string[]): void {
  if (elements.length === 0) {
    root.member = false;
    root.children.clear();
    return;
  }
  let node: Node | undefined = root;
  for (const element of elements.slice(0, -1)) node = node?.children.get(element);
  const last = elements[elements.length - 1];
  if (node !== undefined && last !== undefined) node.children.delete(last);
}

/** Returns whether the subtree holds a member; marks `f:` ancestors of members as members. */
function markAncestors(node: Node): boolean {
  let hasMember = node.member;
  for (const [key, child] of node.children) {
    if (markAncestors(child)) {
      hasMember = true;
      if (key.startsWith('f:')) child.member = true;
    }
  }
  return hasMember;
}
