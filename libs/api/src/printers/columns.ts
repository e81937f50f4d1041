// Table column definitions as Kubernetes' printers declare them (pkg/printers/internalversion).
// kubectl upper-cases the names; priority 1 columns show only with -o wide.
import type { TableColumn } from '../types.js';

export const nameDescription =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated.';
export const ageDescription =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.';

export function col(name: string, type: TableColumn['type'] = 'string', description = '', priority = 0, format = ''): TableColumn {
  return { name, type, format, description, priority };
}

export const nameCol = col('Name', 'string', nameDescription, 0, 'name');
export const ageCol = col('Age', 'string', ageDescription);
export const wide = (name: string, description = '', type: TableColumn['type'] = 'string'): TableColumn => col(name, type, description, 1);

/** The table every kind without a printer gets (the default table convertor). */
export const defaultColumns: TableColumn[] = [nameCol, col('Created At', 'date', ageDescription)];

/** Containers and images of a template, comma separated (layoutContainerCells). */
export function containerCells(containers: readonly { name?: string; image?: string }[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}
