// Pure: turns any value (an actor's context, an event) into a small plain value that msgpack and
// JSON both carry. Inspection publishes live state, and a context can hold a whole watch cache or
// actor references; the limits keep every published summary small whatever the actor holds.

export interface SummaryLimits {
  /** Levels of nesting kept; deeper containers become a placeholder such as `[Object 3 keys]`. */
  readonly depthMax: number;
  /** Keys kept per object. */
  readonly keysMax: number;
  /** Items kept per array, Map or Set. */
  readonly itemsMax: number;
  /** Characters kept per string (and per key). */
  readonly stringLengthMax: number;
  /** Values visited in total: bounds the whole summary, not just one level. */
  readonly nodesMax: number;
}

export const DEFAULT_SUMMARY_LIMITS: SummaryLimits = {
  depthMax: 4,
  keysMax: 32,
  itemsMax: 16,
  stringLengthMax: 256,
  nodesMax: 256,
};

export type Summary = null | boolean | number | string | Summary[] | { [key: string]: Summary };

/** The key (and marker) that says how much of a container was left out. */
export const ELIDED = '…';

interface Walk {
  readonly limits: SummaryLimits;
  nodes: number;
  readonly ancestors: Set<object>;
}

export function summariseValue(value: unknown, limits: SummaryLimits = DEFAULT_SUMMARY_LIMITS): Summary {
  return summarise(value, 0, { limits, nodes: 0, ancestors: new Set() });
}

function summarise(value: unknown, depth: number, walk: Walk): Summary {
  walk.nodes++;
  if (walk.nodes > walk.limits.nodesMax) return ELIDED;
  switch (typeof value) {
    case 'undefined':
      return null;
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return truncate(value, walk.limits.stringLengthMax);
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
  }
  if (value === null) return null;
  return summariseObject(value as object, depth, walk);
}

function summariseObject(value: object, depth: number, walk: Walk): Summary {
  const leaf = leafPlaceholder(value);
  if (leaf !== undefined) return leaf;
  if (walk.ancestors.has(value)) return '[Circular]';
  if (depth >= walk.limits.depthMax) return containerPlaceholder(value);
  walk.ancestors.add(value);
  try {
    if (Array.isArray(value)) return summariseItems(value, depth, walk);
    if (value instanceof Set) return summariseItems([...value], depth, walk);
    if (value instanceof Map) return summariseEntries([...value.entries()].map(([k, v]) => [String(k), v]), depth, walk);
    return summariseEntries(Object.entries(value), depth, walk);
  } finally {
    walk.ancestors.delete(value);
  }
}

/** Objects shown as one string: they are either small by nature or not worth walking. */
function leafPlaceholder(value: object): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Error) return truncate(`${value.name}: ${value.message}`, 256);
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[ArrayBuffer ${value.byteLength} bytes]`;
  if (value instanceof Promise) return '[Promise]';
  if (isActorRef(value)) return `[Actor ${value.id}]`;
  return undefined;
}

function containerPlaceholder(value: object): string {
  if (Array.isArray(value)) return `[Array ${value.length} items]`;
  if (value instanceof Map || value instanceof Set) return `[${value.constructor.name} ${value.size} items]`;
  return `[Object ${Object.keys(value).length} keys]`;
}

function summariseItems(items: readonly unknown[], depth: number, walk: Walk): Summary[] {
  const kept: Summary[] = [];
  for (const item of items) {
    if (kept.length >= walk.limits.itemsMax || budgetSpent(walk)) break;
    kept.push(summarise(item, depth + 1, walk));
  }
  if (items.length > kept.length) kept.push(`${ELIDED} +${items.length - kept.length} items`);
  return kept;
}

function summariseEntries(entries: readonly (readonly [string, unknown])[], depth: number, walk: Walk): { [key: string]: Summary } {
  const out: { [key: string]: Summary } = {};
  let count = 0;
  for (const [key, item] of entries) {
    if (count >= walk.limits.keysMax || budgetSpent(walk)) break;
    out[truncate(key, walk.limits.stringLengthMax)] = summarise(item, depth + 1, walk);
    count++;
  }
  if (entries.length > count) out[ELIDED] = `+${entries.length - count} keys`;
  return out;
}

function budgetSpent(walk: Walk): boolean {
  return walk.nodes >= walk.limits.nodesMax;
}

function truncate(text: string, lengthMax: number): string {
  if (text.length <= lengthMax) return text;
  return `${text.slice(0, lengthMax)}${ELIDED}(+${text.length - lengthMax} chars)`;
}

/** Duck-typed XState actor reference: summarised by id, never walked (it holds the whole system). */
function isActorRef(value: object): value is { id: string } {
  const v = value as { id?: unknown; sessionId?: unknown; send?: unknown };
  return typeof v.id === 'string' && typeof v.sessionId === 'string' && typeof v.send === 'function';
}
