import { describe, expect, it } from 'vitest';
import {
  QUANTITY_FORMAT_ERROR,
  QuantityError,
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  newMilliQuantity,
  newQuantity,
  parseQuantity,
  quantityMilliValue,
  quantityValue,
  subtractQuantities,
} from '../src/index.js';

const q = parseQuantity;

describe('parseQuantity + formatQuantity: canonical form', () => {
  it.each([
    ['0', '0'],
    ['100m', '100m'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['0.1', '100m'],
    ['1', '1'],
    ['1000', '1k'],
    ['1000m', '1'],
    ['1500', '1500'],
    ['2k', '2k'],
    ['1Gi', '1Gi'],
    ['512Mi', '512Mi'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['0.5Ki', '512'],
    ['1Ki', '1Ki'],
    ['1025Ki', '1025Ki'],
    ['1e3', '1e3'],
    ['1e1', '10'],
    ['1.5e3', '1500'],
    ['12e6', '12e6'],
    ['1e-3', '1e-3'],
    ['1.2345', '1234500u'],
    ['0.9n', '1n'],
    ['0.0000000001', '1n'],
    ['-0.0000000001', '-1n'],
    ['-1.5', '-1500m'],
    ['5000000000n', '5'],
    ['18446744073709551616', '18446744073709551616'],
    ['8Ei', '9223372036854775807'],
    ['1000E', '1e21'],
    ['16318124Ki', '16318124Ki'],
    ['.5', '500m'],
    ['1.', '1.'], // Go echoes a canonical-enough input unchanged, trailing dot included
  ])('%s -> %s', (input, canonical) => {
    expect(formatQuantity(q(input))).toBe(canonical);
  });

  it('echoes text Kubernetes keeps as given', () => {
    expect(canonicalQuantity('+5')).toBe('+5');
    expect(canonicalQuantity('1E3')).toBe('1E3');
  });

  it('accepts JSON numbers', () => {
    expect(canonicalQuantity(1.5)).toBe('1500m');
    expect(canonicalQuantity(2)).toBe('2');
    expect(canonicalQuantity(1e21)).toBe('1e+21');
    expect(canonicalQuantity(0.25)).toBe('250m');
  });

  it.each([
    ['', QUANTITY_FORMAT_ERROR],
    ['abc', QUANTITY_FORMAT_ERROR],
    ['1.5.5', QUANTITY_FORMAT_ERROR],
    ['1Gb', QUANTITY_FORMAT_ERROR],
    ['1 Gi', QUANTITY_FORMAT_ERROR],
    ['1ki', "unable to parse quantity's suffix"],
    ['1e', "unable to parse quantity's suffix"],
    ['1Gii', "unable to parse quantity's suffix"],
    ['1e99999', 'unable to parse numeric part of quantity'],
  ])('rejects %j', (input, message) => {
    expect(() => q(input)).toThrow(QuantityError);
    expect(() => q(input)).toThrow(message);
  });

  it('the format error names the regular expression', () => {
    expect(QUANTITY_FORMAT_ERROR).toBe("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });
});

describe('arithmetic and comparison', () => {
  it('compares across suffixes exactly', () => {
    expect(compareQuantities(q('1Gi'), q('1024Mi'))).toBe(0);
    expect(compareQuantities(q('1'), q('1000m'))).toBe(0);
    expect(compareQuantities(q('500m'), q('1'))).toBe(-1);
    expect(compareQuantities(q('1G'), q('1Gi'))).toBe(-1);
    expect(compareQuantities(q('-1'), q('0'))).toBe(-1);
  });

  it('adds and subtracts, keeping the left format', () => {
    expect(formatQuantity(addQuantities(q('100m'), q('900m')))).toBe('1');
    expect(formatQuantity(addQuantities(q('1Gi'), q('512Mi')))).toBe('1536Mi');
    expect(formatQuantity(addQuantities(q('0'), q('1Gi')))).toBe('1Gi');
    expect(formatQuantity(addQuantities(q('1'), q('1Gi')))).toBe('1073741825');
    expect(formatQuantity(addQuantities(q('1Gi'), q('1m')))).toBe('1073741824001m');
    expect(formatQuantity(subtractQuantities(q('1Gi'), q('1Gi')))).toBe('0');
    expect(formatQuantity(subtractQuantities(q('250m'), q('1')))).toBe('-750m');
  });

  it('Value and MilliValue round away from zero', () => {
    expect(quantityValue(q('100m'))).toBe(1);
    expect(quantityValue(q('1.5'))).toBe(2);
    expect(quantityValue(q('-1.5'))).toBe(-2);
    expect(quantityValue(q('1Gi'))).toBe(1073741824);
    expect(quantityMilliValue(q('100m'))).toBe(100);
    expect(quantityMilliValue(q('1'))).toBe(1000);
    expect(quantityMilliValue(q('100u'))).toBe(1);
  });

  it('constructors', () => {
    expect(formatQuantity(newMilliQuantity(1500, 'DecimalSI'))).toBe('1500m');
    expect(formatQuantity(newQuantity(2048, 'BinarySI'))).toBe('2Ki');
    expect(formatQuantity(newQuantity(1000, 'DecimalSI'))).toBe('1k');
  });

  it('sums of many small quantities stay exact', () => {
    let total = q('0');
    for (let i = 0; i < 1000; i++) total = addQuantities(total, q('1m'));
    expect(formatQuantity(total)).toBe('1');
  });
});
