import { describe, expect, it } from 'vitest';
import { FieldSet, fieldElement, fieldPathString, keyElement, parseElement, serializeElement, type FieldPath } from '../src/index.js';

const f = fieldElement;
const containers = [f('spec'), f('template'), f('spec'), f('containers')];
const web = keyElement({ name: 'web' });

describe('FieldSet and FieldsV1', () => {
  const fieldsV1 = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"web"}': {
              '.': {},
              'f:image': {},
              'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
            },
          },
        },
      },
    },
  };

  it('decodes and re-encodes managedFields JSON unchanged', () => {
    expect(FieldSet.fromFieldsV1(fieldsV1).toFieldsV1()).toEqual(fieldsV1);
    expect(JSON.stringify(FieldSet.fromFieldsV1(fieldsV1).toFieldsV1())).toBe(JSON.stringify(fieldsV1));
  });

  it('knows members, including list items and maps marked with "."', () => {
    const set = FieldSet.fromFieldsV1(fieldsV1);
    expect(set.has([f('spec'), f('replicas')])).toBe(true);
    expect(set.has([f('metadata'), f('labels')])).toBe(true);
    expect(set.has([f('metadata')])).toBe(false);
    expect(set.has([...containers, web])).toBe(true);
    expect(set.has([...containers])).toBe(false);
  });

  it('iterates paths level by level, the way conflicts are listed', () => {
    const set = FieldSet.fromFieldsV1({ 'f:spec': { 'f:template': { 'f:x': {} }, 'f:replicas': {} }, 'f:data': { 'f:k1': {} } });
    expect(set.paths().map(fieldPathString)).toEqual(['.data.k1', '.spec.replicas', '.spec.template.x']);
  });

  it('set algebra is exact and leaves inputs alone', () => {
    const a = FieldSet.of([[f('a')], [f('b'), f('c')]]);
    const b = FieldSet.of([[f('b'), f('c')], [f('d')]]);
    expect(a.union(b).paths().map(fieldPathString)).toEqual(['.a', '.d', '.b.c']);
    expect(a.difference(b).paths().map(fieldPathString)).toEqual(['.a']);
    expect(a.intersection(b).paths().map(fieldPathString)).toEqual(['.b.c']);
    expect(a.paths()).toHaveLength(2);
    expect(FieldSet.of([[f('status'), f('x')], [f('spec')]]).withoutSubtrees([[f('status')]]).paths().map(fieldPathString)).toEqual(['.spec']);
    expect(FieldSet.of([[f('a'), web, f('b')]]).withNamedAncestors().paths().map(fieldPathString)).toEqual(['.a', '.a[name="web"].b']);
  });

  it('rejects malformed FieldsV1', () => {
    expect(() => FieldSet.fromFieldsV1({ 'x:oops': {} })).toThrow(/unknown path element/);
    expect(() => FieldSet.fromFieldsV1({ 'k:notjson': {} })).toThrow();
    expect(() => FieldSet.fromFieldsV1([])).toThrow();
  });
});

describe('path elements', () => {
  it('serialize keys sorted, values as JSON', () => {
    expect(serializeElement(keyElement({ protocol: 'TCP', containerPort: 80 }))).toBe('k:{"containerPort":80,"protocol":"TCP"}');
    expect(serializeElement({ type: 'value', value: 'a' })).toBe('v:"a"');
    expect(serializeElement(parseElement('i:3'))).toBe('i:3');
  });

  it('print like Kubernetes', () => {
    const path: FieldPath = [...containers, keyElement({ name: 'web' }), f('ports'), keyElement({ containerPort: 80, protocol: 'TCP' }), f('protocol')];
    expect(fieldPathString(path)).toBe('.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"].protocol');
    expect(fieldPathString([f('metadata'), f('finalizers'), { type: 'value', value: 'x' }])).toBe('.metadata.finalizers[="x"]');
  });
});
