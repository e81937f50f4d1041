// intstr.GetScaledValueFromIntOrPercent: "25%" of a total, rounded up or down; ints as they are.

/** undefined when the value is neither an int nor "<int>%" (validation rejects those upstream). */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number | undefined {
  if (value === undefined) return 0;
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  const m = /^(-?\d+)%$/.exec(value);
  if (m === null) return undefined;
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
