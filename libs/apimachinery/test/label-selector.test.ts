import { describe, expect, it } from 'vitest';
import {
  LabelSelectorError,
  labelSelectorFromObject,
  labelSelectorMatches,
  parseLabelSelector,
  selectorFromSet,
  selectorToString,
  validateLabelSelectorObject,
} from '../src/index.js';

const KEY_REGEX_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " +
  "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function parseError(input: string): string {
  try {
    parseLabelSelector(input);
  } catch (error) {
    expect(error).toBeInstanceOf(LabelSelectorError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(input)} to fail`);
}

describe('parseLabelSelector: accepted syntax (labels.Parse)', () => {
  it.each([
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    ['y=b,x=a', 'x=a,y=b'],
    ['x in (b,a)', 'x in (a,b)'],
    ['x notin (a)', 'x notin (a)'],
    ['x', 'x'],
    ['!x', '!x'],
    ['  x = a , !y ', 'x=a,!y'],
    ['x=', 'x='],
    ['x in ()', 'x in ()'],
    ['x in (,a)', 'x in (,a)'],
    ['x in (in,notin)', 'x in (in,notin)'],
    ['x>1', 'x>1'],
    ['x<10,y', 'x<10,y'],
    ['example.com/app=web', 'example.com/app=web'],
    ['', ''],
  ])('%j -> %j', (input, canonical) => {
    expect(selectorToString(parseLabelSelector(input))).toBe(canonical);
  });

  it('sorts requirements by key and keeps duplicates of a key', () => {
    const selector = parseLabelSelector('b=1,a=2,a!=3');
    expect(selector.type === 'requirements' && selector.requirements.map((r) => r.key)).toEqual(['a', 'a', 'b']);
  });
});

describe('parseLabelSelector: errors carry Kubernetes messages', () => {
  it.each([
    ['x=a=b', "found '=', expected: ',' or 'end of string'"],
    ['x=a||y=b', 'unable to parse requirement: values[0][x]: Invalid value: "a||y": ' + VALUE_REGEX_MSG],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    [',x', "found ',', expected: !, identifier, or 'end of string'"],
    ['x,', "found '', expected: identifier after ','"],
    ['a b=c', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['x>a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['-a=b', `unable to parse requirement: <nil>: Invalid value: "-a": ${KEY_REGEX_MSG}`],
    ['a=-b', `unable to parse requirement: values[0][a]: Invalid value: "-b": ${VALUE_REGEX_MSG}`],
  ])('%j', (input, message) => {
    expect(parseError(input)).toBe(message);
  });
});

describe('labelSelectorMatches', () => {
  const labels = { app: 'web', tier: 'frontend', replicas: '3' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['app notin (web)', false],
    ['missing notin (web)', true],
    ['missing in (web)', false],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=web,tier=backend', false],
    ['replicas>2', true],
    ['replicas<3', false],
    ['app>2', false],
    ['', true],
    ['missing=', false],
  ])('%j -> %s', (input, expected) => {
    expect(labelSelectorMatches(parseLabelSelector(input), labels)).toBe(expected);
  });

  it('matches a missing label set like an empty one', () => {
    expect(labelSelectorMatches(parseLabelSelector('!a'), undefined)).toBe(true);
    expect(labelSelectorMatches(parseLabelSelector('a'), undefined)).toBe(false);
  });

  it('selectorFromSet matches supersets only', () => {
    const selector = selectorFromSet({ b: '2', a: '1' });
    expect(selectorToString(selector)).toBe('a=1,b=2');
    expect(labelSelectorMatches(selector, { a: '1', b: '2', c: '3' })).toBe(true);
    expect(labelSelectorMatches(selector, { a: '1' })).toBe(false);
  });
});

describe('LabelSelector objects (metav1.LabelSelectorAsSelector)', () => {
  it('a missing selector selects nothing, an empty one everything', () => {
    expect(labelSelectorMatches(labelSelectorFromObject(undefined), {})).toBe(false);
    expect(labelSelectorMatches(labelSelectorFromObject({}), { any: 'x' })).toBe(true);
  });

  it('combines matchLabels and matchExpressions', () => {
    const selector = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['frontend', 'edge'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'Exists' },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
      ],
    });
    expect(selectorToString(selector)).toBe('app=web,!canary,env notin (dev),tier in (edge,frontend),zone');
    expect(labelSelectorMatches(selector, { app: 'web', tier: 'edge', zone: 'a' })).toBe(true);
    expect(labelSelectorMatches(selector, { app: 'web', tier: 'edge', zone: 'a', canary: 'y' })).toBe(false);
    expect(labelSelectorMatches(selector, { app: 'web', tier: 'edge', zone: 'a', env: 'dev' })).toBe(false);
  });

  it('rejects an unknown operator', () => {
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toThrow(
      '"Gt" is not a valid label selector operator',
    );
  });

  it('validation reports each problem under its field path', () => {
    const errors = validateLabelSelectorObject(
      {
        matchLabels: { ok: 'fine' },
        matchExpressions: [
          { key: 'a', operator: 'In', values: [] },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'c', operator: 'Near' },
          { key: 'bad key', operator: 'DoesNotExist' },
        ],
      },
      'spec.selector',
    );
    expect(errors.map((e) => [e.type, e.field])).toEqual([
      ['FieldValueRequired', 'spec.selector.matchExpressions[0].values'],
      ['FieldValueForbidden', 'spec.selector.matchExpressions[1].values'],
      ['FieldValueInvalid', 'spec.selector.matchExpressions[2].operator'],
      ['FieldValueInvalid', 'spec.selector.matchExpressions[3].key'],
    ]);
    expect(validateLabelSelectorObject({ matchLabels: { app: 'web' } }, 'spec.selector')).toEqual([]);
  });
});
