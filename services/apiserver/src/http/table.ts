// Pure: the server-side printing kubectl asks for with `Accept: application/json;as=Table;
// v=v1;g=meta.k8s.io` (meta.k8s.io/v1 Table, k8s.io/apimachinery/pkg/apis/meta/v1/types.go), and
// PartialObjectMetadata for metadata-only clients. The columns and cells come from the registry
// (Kubernetes' printers); each row carries the object's metadata, or the object itself with
// `includeObject=Object` (`kubectl get --sort-by`), or nothing with `includeObject=None`.

import type { ApiObject, ResourceMeta } from './registry.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** `includeObject` parameter (default Metadata); undefined when the value is not one of the three. */
export function parseIncludeObject(value: string | null): IncludeObject | undefined {
  if (value === null || value === '') return 'Metadata';
  return value === 'None' || value === 'Metadata' || value === 'Object' ? value : undefined;
}

export interface TableOptions {
  readonly includeObject: IncludeObject;
  readonly version: 'v1' | 'v1beta1';
  readonly nowMs: number;
  /** Watch events after the first leave the column definitions out (null), as Kubernetes does. */
  readonly withColumns: boolean;
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: Record<string, unknown>;
  columnDefinitions: unknown[] | null;
  rows: TableRow[];
}

export function isList(obj: ApiObject): obj is ApiObject & { items: ApiObject[] } {
  return Array.isArray(obj['items']) && (obj.kind === undefined || obj.kind.endsWith('List'));
}

/** A Table for one object, or for a list (one row per item, the list's metadata). */
export function toTable(resource: ResourceMeta, obj: ApiObject, opts: TableOptions): Table {
  const items = isList(obj) ? obj.items : [obj];
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata: isList(obj) ? listMeta(obj) : onlyResourceVersion(obj),
    columnDefinitions: opts.withColumns ? resource.tableColumns.map((c) => ({ ...c })) : null,
    rows: items.map((item) => row(resource, withTypeMeta(resource, item), opts)),
  };
}

function row(resource: ResourceMeta, item: ApiObject, opts: TableOptions): TableRow {
  const cells = cellsOf(resource, item, opts.nowMs);
  switch (opts.includeObject) {
    case 'None':
      return { cells };
    case 'Object':
      return { cells, object: item };
    case 'Metadata':
      return { cells, object: partialObjectMetadata(item, opts.version) };
  }
}

function cellsOf(resource: ResourceMeta, item: ApiObject, nowMs: number): unknown[] {
  try {
    return (resource.tableRow as (o: ApiObject, now: number) => unknown[])(item, nowMs);
  } catch {
    // One odd object must not fail a whole listing: show its name and mark the rest unknown.
    const name = typeof item.metadata?.['name'] === 'string' ? item.metadata['name'] : '';
    return resource.tableColumns.map((c) => (c.format === 'name' ? name : '<unknown>'));
  }
}

export function partialObjectMetadata(item: ApiObject, version: 'v1' | 'v1beta1' = 'v1'): ApiObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: { ...(item.metadata ?? {}) } };
}

/** PartialObjectMetadata for one object, PartialObjectMetadataList for a list. */
export function toPartial(obj: ApiObject, version: 'v1' | 'v1beta1'): ApiObject {
  if (!isList(obj)) return partialObjectMetadata(obj, version);
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: listMeta(obj),
    items: obj.items.map((i) => partialObjectMetadata(i, version)),
  };
}

/** Items of a list often come without apiVersion and kind; a row's object must say what it is. */
export function withTypeMeta(resource: ResourceMeta, item: ApiObject): ApiObject {
  if (item.apiVersion !== undefined && item.kind !== undefined) return item;
  return { apiVersion: resource.group === '' ? resource.version : `${resource.group}/${resource.version}`, kind: resource.kind, ...item };
}

function listMeta(list: ApiObject): Record<string, unknown> {
  const meta = list.metadata ?? {};
  const out: Record<string, unknown> = {};
  for (const key of ['resourceVersion', 'continue', 'remainingItemCount'] as const) {
    if (meta[key] !== undefined && meta[key] !== '') out[key] = meta[key];
  }
  return out;
}

function onlyResourceVersion(obj: ApiObject): Record<string, unknown> {
  const rv = obj.metadata?.['resourceVersion'];
  return rv === undefined ? {} : { resourceVersion: rv };
}
