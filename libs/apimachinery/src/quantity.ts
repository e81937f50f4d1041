// resource.Quantity: fixed-point numbers with SI / binary suffixes ("100m", "1Gi", "1e3"), exact
// (bigint, never floating point), formatted in Kubernetes' canonical form so that a value read
// back from Skiff prints exactly as it would from Kubernetes (1.5 -> "1500m", 1.5Gi -> "1536Mi").
// Source of the rules: k8s.io/apimachinery/pkg/api/resource/quantity.go (documented behaviour).

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/** value = unscaled * 10^-scale. Immutable. */
export interface Quantity {
  readonly unscaled: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
  /** The parsed text when Kubernetes would echo it unchanged (already canonical). */
  readonly text?: string;
}

const SPLIT_RE_STRING = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

export class QuantityError extends Error {
  override readonly name = 'QuantityError';
}

export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${SPLIT_RE_STRING}'`;
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([suffix, exp]) => [exp, suffix]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([suffix, exp]) => [exp, suffix]));
/** Kubernetes keeps nothing finer than nano (10^-9). */
const NANO_SCALE = 9;
const MAX_INT64 = (1n << 63n) - 1n;
/** A bound on decimal exponents ("1e999999999" would otherwise allocate without limit). */
const MAX_EXPONENT = 1000;

export const zeroQuantity: Quantity = { unscaled: 0n, scale: 0, format: 'DecimalSI' };

interface Scanned {
  readonly positive: boolean;
  /** Integer digits with leading zeros stripped ("0" when none). */
  readonly num: string;
  /** Fraction digits. */
  readonly denom: string;
  readonly suffix: string;
}

/** The scanner of parseQuantityString: sign, digits, optional fraction, then the suffix. */
function scan(str: string): Scanned {
  let pos = 0;
  let positive = true;
  if (str[0] === '-' || str[0] === '+') {
    positive = str[0] === '+';
    pos++;
  }
  while (str[pos] === '0') pos++;
  const numStart = pos;
  while (pos < str.length && isDigit(str[pos])) pos++;
  const num = str.slice(numStart, pos) || '0';
  let denom = '';
  if (str[pos] === '.') {
    const denomStart = ++pos;
    while (pos < str.length && isDigit(str[pos])) pos++;
    denom = str.slice(denomStart, pos);
  }
  const suffixStart = pos;
  while (pos < str.length && 'eEinumkKMGTP'.includes(str[pos] ?? '')) pos++;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (pos < str.length && isDigit(str[pos])) pos++;
  if (pos < str.length) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

interface Suffix {
  readonly base: 2 | 10;
  readonly exponent: number;
  readonly format: QuantityFormat;
}

function interpretSuffix(suffix: string): Suffix {
  const decimal = DECIMAL_SUFFIXES[suffix];
  if (decimal !== undefined && Object.hasOwn(DECIMAL_SUFFIXES, suffix)) return { base: 10, exponent: decimal, format: 'DecimalSI' };
  const binary = BINARY_SUFFIXES[suffix];
  if (binary !== undefined && Object.hasOwn(BINARY_SUFFIXES, suffix)) return { base: 2, exponent: binary, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exponent = Number(suffix.slice(1));
    if (Math.abs(exponent) > MAX_EXPONENT) throw new QuantityError(QUANTITY_NUMERIC_ERROR);
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  throw new QuantityError(QUANTITY_SUFFIX_ERROR);
}

/**
 * resource.ParseQuantity. Numbers are accepted as their JSON text (a Quantity may arrive as a JSON
 * number). Throws QuantityError with Kubernetes' messages.
 */
export function parseQuantity(input: string | number): Quantity {
  const str = typeof input === 'number' ? numberText(input) : input;
  if (str.length === 0) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  if (str === '0') return { ...zeroQuantity, text: '0' };
  const scanned = scan(str);
  const suffix = interpretSuffix(scanned.suffix);
  let unscaled = BigInt(scanned.num + scanned.denom);
  let scale = scanned.denom.length;
  if (suffix.base === 10) scale -= suffix.exponent;
  else unscaled <<= BigInt(suffix.exponent);
  if (!scanned.positive) unscaled = -unscaled;
  let quantity = roundToNano({ unscaled, scale, format: suffix.format });
  if (suffix.format === 'BinarySI') quantity = capBinary(quantity);
  if (quantity.format === 'BinarySI' && isBetweenMinusOneAndOne(quantity)) quantity = { ...quantity, format: 'DecimalSI' };
  const normalized = normalize(quantity);
  return echoesInput(scanned, suffix, str) ? { ...normalized, text: str } : normalized;
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  return String(value);
}

/** Go reuses the input text when it is already canonical (quantity.go's fast path). */
function echoesInput(scanned: Scanned, suffix: Suffix, str: string): boolean {
  const shifted = scanned.num + scanned.denom;
  if (shifted.length > 18) return false;
  if (suffix.format === 'BinarySI') {
    // Go's fast path for binary suffixes needs headroom in an int64 (quantity.go's precision).
    const precision = 15 - scanned.num.length - Math.trunc((suffix.exponent * 3) / 10) - 1;
    return precision >= 0 && scanned.denom === '' && (BigInt(shifted) & 7n) !== 0n && str.length > 0;
  }
  const scale = suffix.exponent - scanned.denom.length;
  return scale >= -NANO_SCALE && scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

/** Rounds away from zero to nano precision: asking for some resource always gets some. */
function roundToNano(q: Quantity): Quantity {
  if (q.scale <= NANO_SCALE) return q;
  const divisor = 10n ** BigInt(q.scale - NANO_SCALE);
  const negative = q.unscaled < 0n;
  const magnitude = negative ? -q.unscaled : q.unscaled;
  let rounded = magnitude / divisor;
  if (magnitude % divisor !== 0n) rounded += 1n;
  return { unscaled: negative ? -rounded : rounded, scale: NANO_SCALE, format: q.format };
}

/** Binary quantities are silently capped at 2^63-1 in magnitude ("8Ei" parses as 2^63-1). */
function capBinary(q: Quantity): Quantity {
  // Binary quantities come from the parser with scale >= 0 (fraction digits only).
  const limit = MAX_INT64 * 10n ** BigInt(Math.max(q.scale, 0));
  const magnitude = q.unscaled < 0n ? -q.unscaled : q.unscaled;
  if (magnitude <= limit) return q;
  return { unscaled: q.unscaled < 0n ? -limit : limit, scale: q.scale, format: q.format };
}

function isBetweenMinusOneAndOne(q: Quantity): boolean {
  const one = 10n ** BigInt(Math.max(q.scale, 0));
  const magnitude = q.unscaled < 0n ? -q.unscaled : q.unscaled;
  return q.scale > 0 && magnitude > 0n && magnitude < one;
}

/** Strips factors of ten from the mantissa so equal values have equal representations. */
function normalize(q: Quantity): Quantity {
  if (q.unscaled === 0n) return { unscaled: 0n, scale: 0, format: q.format };
  let { unscaled, scale } = q;
  while (unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale -= 1;
  }
  return { unscaled, scale, format: q.format };
}

/** q.String(): the canonical serialization. */
export function formatQuantity(q: Quantity): string {
  if (q.text !== undefined) return q.text;
  if (q.unscaled === 0n) return '0';
  if (q.format === 'BinarySI') {
    const binary = formatBinary(q);
    if (binary !== undefined) return binary;
    return formatDecimal(q, 'DecimalSI');
  }
  return formatDecimal(q, q.format);
}

function formatDecimal(q: Quantity, format: QuantityFormat): string {
  const n = normalize(q);
  let mantissa = n.unscaled;
  let exponent = -n.scale;
  const rem = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(rem);
  exponent -= rem;
  const si = format === 'DecimalSI' ? DECIMAL_BY_EXPONENT.get(exponent) : undefined;
  if (si !== undefined) return `${mantissa}${si}`;
  return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
}

/** Binary form only for integers of magnitude >= 1024; anything else shows as DecimalSI. */
function formatBinary(q: Quantity): string | undefined {
  const n = normalize(q);
  if (n.scale > 0) return undefined;
  let integer = n.unscaled * 10n ** BigInt(-n.scale);
  if (integer > -1024n && integer < 1024n) return undefined;
  let exponent = 0;
  while (exponent < 60 && integer % 1024n === 0n) {
    integer /= 1024n;
    exponent += 10;
  }
  return `${integer}${BINARY_BY_EXPONENT.get(exponent) ?? ''}`;
}

/** Re-serializes a quantity string canonically; throws QuantityError when invalid. */
export function canonicalQuantity(input: string | number): string {
  return formatQuantity(parseQuantity(input));
}

function aligned(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.unscaled * 10n ** BigInt(scale - a.scale), b.unscaled * 10n ** BigInt(scale - b.scale), scale];
}

/** -1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function quantitiesEqual(a: Quantity, b: Quantity): boolean {
  return compareQuantities(a, b) === 0;
}

/** a + b, in a's format (b's when a is zero), as Quantity.Add. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y, scale] = aligned(a, b);
  return normalize({ unscaled: x + y, scale, format: a.unscaled === 0n ? b.format : a.format });
}

/** a - b, in a's format (b's when a is zero), as Quantity.Sub. */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y, scale] = aligned(a, b);
  return normalize({ unscaled: x - y, scale, format: a.unscaled === 0n ? b.format : a.format });
}

export function negateQuantity(q: Quantity): Quantity {
  return { unscaled: -q.unscaled, scale: q.scale, format: q.format };
}

export function isZeroQuantity(q: Quantity): boolean {
  return q.unscaled === 0n;
}

export function quantitySign(q: Quantity): -1 | 0 | 1 {
  return q.unscaled < 0n ? -1 : q.unscaled > 0n ? 1 : 0;
}

/** The value at 10^-scale, rounded away from zero (ScaledValue). */
export function scaledValue(q: Quantity, scaleExponent: number): bigint {
  const shift = q.scale - scaleExponent;
  if (shift <= 0) return q.unscaled * 10n ** BigInt(-shift);
  const divisor = 10n ** BigInt(shift);
  const negative = q.unscaled < 0n;
  const magnitude = negative ? -q.unscaled : q.unscaled;
  const rounded = magnitude / divisor + (magnitude % divisor === 0n ? 0n : 1n);
  return negative ? -rounded : rounded;
}

/** Value(): the integer value rounded away from zero ("100m" -> 1). */
export function quantityValue(q: Quantity): number {
  return Number(scaledValue(q, 0));
}

/** MilliValue(): the value in thousandths rounded away from zero ("1.5" -> 1500). */
export function quantityMilliValue(q: Quantity): number {
  return Number(scaledValue(q, 3));
}

/** A float approximation (AsApproximateFloat64), for ratios and display only. */
export function quantityToNumber(q: Quantity): number {
  return Number(q.unscaled) * 10 ** -q.scale;
}

/** resource.NewQuantity(value, format). */
export function newQuantity(value: number | bigint, format: QuantityFormat): Quantity {
  return normalize({ unscaled: toBigInt(value), scale: 0, format });
}

/** resource.NewMilliQuantity(milli, format). */
export function newMilliQuantity(milli: number | bigint, format: QuantityFormat): Quantity {
  return normalize({ unscaled: toBigInt(milli), scale: 3, format });
}

/** resource.NewScaledQuantity(value, scale): value * 10^scale, DecimalSI. */
export function newScaledQuantity(value: number | bigint, scaleExponent: number): Quantity {
  return normalize({ unscaled: toBigInt(value), scale: -scaleExponent, format: 'DecimalSI' });
}

function toBigInt(value: number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new QuantityError(QUANTITY_NUMERIC_ERROR);
  return BigInt(value);
}
