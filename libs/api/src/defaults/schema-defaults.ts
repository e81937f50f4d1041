// Schema `default`s applied along precomputed paths: a plan holds only the branches of a schema
// that lead to a default, so defaulting a Pod touches a few dozen nodes, not the whole schema.
// (TypeBox's Value.Default walks every property and costs ~250 us per Pod.)
import { Kind, type TSchema } from '@sinclair/typebox';

type Node = TSchema & Record<string, unknown>;

interface Plan {
  props?: [key: string, defaultValue: unknown, child: Plan | undefined][];
  items?: Plan;
  values?: Plan;
}

const plans = new WeakMap<TSchema, Plan | null>();

function planFor(node: Node): Plan | undefined {
  const cached = plans.get(node);
  if (cached !== undefined) return cached ?? undefined;
  plans.set(node, null);
  let plan: Plan | undefined;
  const kind = node[Kind];
  if (kind === 'Object') {
    const props: NonNullable<Plan['props']> = [];
    for (const [key, prop] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
      const child = planFor(prop);
      if (prop.default !== undefined || child !== undefined) props.push([key, prop.default, child]);
    }
    if (props.length > 0) plan = { props };
  } else if (kind === 'Array') {
    const items = planFor(node.items as Node);
    if (items !== undefined) plan = { items };
  } else if (kind === 'Record') {
    const inner = Object.values(node.patternProperties as Record<string, Node>)[0];
    const values = inner === undefined ? undefined : planFor(inner);
    if (values !== undefined) plan = { values };
  }
  plans.set(node, plan ?? null);
  return plan;
}

function apply(plan: Plan, value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    if (plan.items !== undefined) for (const item of value) apply(plan.items, item);
    return;
  }
  const record = value as Record<string, unknown>;
  if (plan.values !== undefined) for (const v of Object.values(record)) apply(plan.values, v);
  for (const [key, def, child] of plan.props ?? []) {
    if (record[key] === undefined && def !== undefined) record[key] = structuredClone(def);
    if (child !== undefined && record[key] !== undefined) apply(child, record[key]);
  }
}

/** Sets every missing field that has a schema default, in place. */
export function applySchemaDefaults(schema: TSchema, value: unknown): void {
  const plan = planFor(schema as Node);
  if (plan !== undefined) apply(plan, value);
}
