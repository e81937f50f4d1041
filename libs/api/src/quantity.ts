// Just enough of resource.Quantity to compare amounts (QoS class, requests <= limits).
// Amounts are exact BigInts in units of 10^-9 (nano), rounded up as Kubernetes rounds.
// Full quantity arithmetic and canonical formatting belong to @skiff/apimachinery.

const quantityRe = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const binary: Record<string, bigint> = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export const quantityFormatMessage =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** Nano-units of a quantity ("100m" -> 100_000_000n), or undefined when it does not parse. */
export function parseQuantityNanos(q: unknown): bigint | undefined {
  const text = typeof q === 'number' ? String(q) : q;
  if (typeof text !== 'string') return undefined;
  const m = quantityRe.exec(text.trim());
  if (m === null) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const [intPart = '', fracPart = ''] = (m[2] ?? '0').split('.');
  const suffix = m[3] ?? '';
  const digits = BigInt(`${intPart}${fracPart}` === '' ? '0' : `${intPart}${fracPart}`);
  let exp10 = -fracPart.length + 9;
  let factor = 1n;
  if (suffix in binary) factor = 1024n ** (binary[suffix] ?? 0n);
  else if (suffix in decimal) exp10 += decimal[suffix] ?? 0;
  else exp10 += Number(suffix.slice(1));
  const scaled = digits * factor;
  if (exp10 >= 0) return sign * scaled * 10n ** BigInt(exp10);
  const div = 10n ** BigInt(-exp10);
  const rounded = scaled / div + (scaled % div === 0n ? 0n : 1n);
  return sign * rounded;
}

/** -1, 0 or 1; undefined when either side does not parse. */
export function compareQuantities(a: unknown, b: unknown): number | undefined {
  const x = parseQuantityNanos(a);
  const y = parseQuantityNanos(b);
  if (x === undefined || y === undefined) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}
