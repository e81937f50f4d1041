// Builds a ResourceInfo from a kind's parts, adding what every kind shares: null dropping and
// schema defaults before the kind's own SetDefaults, structural checks before kind validation.
import type { TSchema } from '@sinclair/typebox';
import { applySchemaDefaults } from '../defaults/schema-defaults.js';
import type { FieldError } from '../field-error.js';
import { defaultColumns } from '../printers/columns.js';
import { defaultRow } from '../printers/kinds.printer.js';
import { noStrategy, type Strategy } from '../strategy/strategy.js';
import type { FieldSelectorGetter, KubeObject, ResourceInfo, SubresourceInfo, TableColumn, VersionConversion } from '../types.js';
import { containsNull, dropNulls, structuralErrors } from '../validation/structural.js';

export const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface ResourceSpec<T> {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  schema: TSchema;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  subresources?: SubresourceInfo[];
  defaults?: (obj: T) => void;
  validate?: (obj: T, old?: T) => FieldError[];
  strategy?: Strategy;
  fieldSelectors?: Record<string, FieldSelectorGetter>;
  columns?: TableColumn[];
  row?: (obj: T, nowMs: number) => unknown[];
  conversion?: VersionConversion;
}

export const statusSub = (kind: string): SubresourceInfo => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
export const scaleSub: SubresourceInfo = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

export function defineResource<T>(spec: ResourceSpec<T>): ResourceInfo {
  const strategy = spec.strategy ?? noStrategy;
  const asT = (o: KubeObject): T => o as unknown as T;
  return {
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    resource: spec.resource,
    singular: spec.kind.toLowerCase(),
    namespaced: spec.namespaced,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    verbs: spec.verbs ?? allVerbs,
    subresources: spec.subresources ?? [],
    schema: spec.schema,
    defaults(obj) {
      dropNulls(obj);
      applySchemaDefaults(spec.schema, obj);
      // A body of the wrong shape fails validation anyway; kind defaults only see well-typed objects.
      if (spec.defaults !== undefined && structuralErrors(spec.schema, obj).length === 0) spec.defaults(asT(obj));
    },
    validate(obj, old) {
      // Go decodes null as "unset"; defaults() already dropped them when the apiserver called it.
      if (containsNull(obj)) dropNulls(obj);
      const structural = structuralErrors(spec.schema, obj);
      if (structural.length > 0) return structural;
      return spec.validate === undefined ? [] : spec.validate(asT(obj), old === undefined ? undefined : asT(old));
    },
    prepareForCreate: (obj) => strategy.prepareForCreate(obj),
    prepareForUpdate: (obj, old, sub) => strategy.prepareForUpdate(obj, old, sub),
    fieldSelectors: spec.fieldSelectors ?? {},
    tableColumns: spec.columns ?? defaultColumns,
    tableRow: (obj, nowMs) => (spec.row !== undefined ? spec.row(asT(obj), nowMs) : defaultRow(obj)),
    ...(spec.conversion === undefined ? {} : { conversion: spec.conversion }),
  };
}
