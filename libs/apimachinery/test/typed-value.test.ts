import { describe, expect, it } from 'vitest';
import { compareValues, fieldPathString, mergeForApply, removePath, strategyFor, toFieldSet, keyElement, fieldElement, type JsonObject, type TypeSchema } from '../src/index.js';

const byName: TypeSchema = { type: 'list', list: 'map', keys: ['name'], mergeKey: 'name', keyDefaults: {} };
const set: TypeSchema = { type: 'list', list: 'set' };
const names = (list: unknown): unknown => (list as JsonObject[]).map((item) => item.name);

describe('mergeForApply keeps list order the way structured-merge-diff does', () => {
  const item = (name: string, extra: JsonObject = {}): JsonObject => ({ name, ...extra });
  it.each([
    [['a', 'b', 'c'], ['b', 'd'], ['a', 'b', 'c', 'd']],
    [['a', 'b'], ['d', 'b'], ['a', 'd', 'b']],
    [['a', 'b'], ['b', 'a'], ['b', 'a']],
    [[], ['x', 'y'], ['x', 'y']],
  ])('%j + %j -> %j', (live, config, expected) => {
    expect(names(mergeForApply(live.map((n) => item(n)), config.map((n) => item(n)), byName))).toEqual(expected);
  });

  it('merges matching items field by field and keeps duplicates it does not touch', () => {
    const merged = mergeForApply([item('a', { x: 1 }), item('b'), item('b', { dup: true })], [item('a', { y: 2 })], byName);
    expect(merged).toEqual([item('a', { x: 1, y: 2 }), item('b'), item('b', { dup: true })]);
  });

  it('sets merge by value; atomic and untyped lists are replaced', () => {
    expect(mergeForApply(['x', 'y'], ['z', 'x'], set)).toEqual(['z', 'x', 'y']);
    expect(mergeForApply([1, 2], [3], undefined)).toEqual([3]);
    expect(mergeForApply({ a: { b: 1, c: 2 } }, { a: { b: 3 } }, undefined)).toEqual({ a: { b: 3, c: 2 } });
  });
});

describe('compareValues and toFieldSet', () => {
  const schema = strategyFor('Pod');

  it('reports added maps as nodes and leaves, changed leaves and removed items', () => {
    const before = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }] } };
    const after = { metadata: { name: 'p', labels: { app: 'x' } }, spec: { containers: [{ name: 'a', image: '2' }] } };
    const { added, modified, removed } = compareValues(before, after, schema);
    expect(added.paths().map(fieldPathString)).toEqual(['.metadata.labels', '.metadata.labels.app']);
    expect(modified.paths().map(fieldPathString)).toEqual(['.spec.containers[name="a"].image']);
    expect(removed.paths().map(fieldPathString)).toEqual(['.spec.containers[name="b"]', '.spec.containers[name="b"].image', '.spec.containers[name="b"].name']);
  });

  it('treats tolerations (no strategy) as one leaf', () => {
    const fields = toFieldSet({ spec: { tolerations: [{ key: 'a' }], nodeSelector: {} } }, schema);
    expect(fields.paths().map(fieldPathString)).toEqual(['.spec.nodeSelector', '.spec.tolerations']);
  });

  it('removes a keyed item wherever it is', () => {
    const pod = { spec: { containers: [{ name: 'a' }, { name: 'b' }] } };
    const path = [fieldElement('spec'), fieldElement('containers'), keyElement({ name: 'a' })];
    expect(removePath(pod, path, schema)).toEqual({ spec: { containers: [{ name: 'b' }] } });
    expect(pod.spec.containers).toHaveLength(2);
  });
});
