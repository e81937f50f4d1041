// The part of the resource registry (@skiff/api) the HTTP front reads: what each resource is
// called, where it lives, which verbs and subresources it has, how it prints as a table, and the
// OpenAPI documents. A port, so that the front's tests can run on a small registry of their own;
// production passes @skiff/api itself (see api-registry.ts).

export interface TableColumn {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

export interface SubresourceMeta {
  /** 'status', 'scale', 'binding', 'eviction', 'log', ... */
  readonly name: string;
  /** Kind of the subresource's body, e.g. Scale, Eviction; group/version default to the parent's. */
  readonly kind: string;
  readonly group?: string;
  readonly version?: string;
  readonly verbs: readonly string[];
}

/** An object as the API sees it: Kubernetes JSON with metadata. */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface ResourceMeta {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly resource: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly string[];
  readonly subresources: readonly SubresourceMeta[];
  readonly tableColumns: readonly TableColumn[];
  /** Cells in column order for one object. */
  tableRow(obj: never, nowMs: number): unknown[];
}

export interface Registry {
  readonly resources: readonly ResourceMeta[];
  /** The OpenAPI v3 document of one group-version of `resources` (group '' is the core group). */
  openApiV3Document(group: string, version: string): object;
}

/** The resources of one group-version, indexed for the router. */
export class RegistryIndex {
  private readonly byGvr = new Map<string, ResourceMeta>();
  /** Group -> versions in registry order (the first is the preferred one). */
  readonly groups = new Map<string, string[]>();

  constructor(readonly registry: Registry) {
    for (const r of registry.resources) {
      this.byGvr.set(gvrKey(r.group, r.version, r.resource), r);
      const versions = this.groups.get(r.group) ?? [];
      if (!versions.includes(r.version)) versions.push(r.version);
      this.groups.set(r.group, versions);
    }
  }

  find(group: string, version: string, resource: string): ResourceMeta | undefined {
    return this.byGvr.get(gvrKey(group, version, resource));
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.groups.get(group)?.includes(version) === true;
  }

  resourcesOf(group: string, version: string): ResourceMeta[] {
    return this.registry.resources.filter((r) => r.group === group && r.version === version);
  }
}

function gvrKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}
