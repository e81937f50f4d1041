import { describe, expect, it } from 'vitest';
import {
  FieldSelectorError,
  escapeFieldValue,
  fieldSelectorMatches,
  fieldSelectorRequiresExactMatch,
  fieldSelectorToString,
  parseFieldSelector,
  unescapeFieldValue,
  validateFieldSelector,
} from '../src/index.js';

const pod: Record<string, string> = {
  'metadata.name': 'web-1',
  'spec.nodeName': 'node-1',
  'status.phase': 'Running',
  'metadata.namespace': 'a=b,c',
};
const get = (field: string): string | undefined => pod[field];

describe('parseFieldSelector', () => {
  it('parses the terms kubectl sends and sorts them', () => {
    const selector = parseFieldSelector('spec.nodeName=node-1,status.phase!=Succeeded,status.phase!=Failed');
    expect(selector.terms).toEqual([
      { field: 'spec.nodeName', operator: '=', value: 'node-1' },
      { field: 'status.phase', operator: '!=', value: 'Failed' },
      { field: 'status.phase', operator: '!=', value: 'Succeeded' },
    ]);
    expect(fieldSelectorMatches(selector, get)).toBe(true);
  });

  it('treats == as = and keeps no stray = in the value', () => {
    expect(parseFieldSelector('metadata.name==web-1').terms).toEqual([{ field: 'metadata.name', operator: '=', value: 'web-1' }]);
  });

  it('empty values and empty input', () => {
    expect(parseFieldSelector('').terms).toEqual([]);
    expect(parseFieldSelector('involvedObject.namespace=,involvedObject.name=x').terms[0]).toEqual({
      field: 'involvedObject.name',
      operator: '=',
      value: 'x',
    });
    expect(fieldSelectorMatches(parseFieldSelector('spec.missing='), get)).toBe(true);
  });

  it('unescapes \\, \\= and \\\\ in values and escapes them back', () => {
    const selector = parseFieldSelector('metadata.namespace=a\\=b\\,c');
    expect(selector.terms[0]?.value).toBe('a=b,c');
    expect(fieldSelectorMatches(selector, get)).toBe(true);
    expect(fieldSelectorToString(selector)).toBe('metadata.namespace=a\\=b\\,c');
    expect(unescapeFieldValue(escapeFieldValue('x\\y,z=w'))).toBe('x\\y,z=w');
  });

  it.each([
    ['noop', "invalid selector: 'noop'; can't understand 'noop'"],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
  ])('rejects %j', (input, message) => {
    expect(() => parseFieldSelector(input)).toThrow(FieldSelectorError);
    expect(() => parseFieldSelector(input)).toThrow(message);
  });

  it('reports the first unsupported field the way the API server does', () => {
    const selector = parseFieldSelector('metadata.name=x,spec.foo=bar');
    expect(() => validateFieldSelector(selector, ['metadata.name', 'spec.nodeName'])).toThrow('field label not supported: spec.foo');
    expect(() => validateFieldSelector(parseFieldSelector('metadata.name=x'), new Set(['metadata.name']))).not.toThrow();
  });

  it('exposes an exact-match requirement', () => {
    const selector = parseFieldSelector('metadata.name=web-1,status.phase!=Failed');
    expect(fieldSelectorRequiresExactMatch(selector, 'metadata.name')).toBe('web-1');
    expect(fieldSelectorRequiresExactMatch(selector, 'status.phase')).toBeUndefined();
  });
});
