// The registry's vocabulary: what services/apiserver needs to know about a resource
// (see /work/notes/api-contract.md). Objects travel as plain JSON values; each kind's
// TypeBox schema gives the precise TypeScript type where code needs one.
import type { TSchema } from '@sinclair/typebox';
import type { FieldError } from './field-error.js';
import type { ObjectMeta } from './schema/meta.schema.js';

export type { FieldError } from './field-error.js';

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0 always shown, 1 only with `-o wide`. */
  priority: number;
}

export type SubresourceName =
  | 'status'
  | 'scale'
  | 'binding'
  | 'log'
  | 'eviction'
  | 'token'
  | 'exec'
  | 'portforward'
  | 'attach'
  | 'proxy';

export interface SubresourceInfo {
  name: SubresourceName;
  kind: string;
  /** Set when the subresource's kind lives in another group-version (Scale, Eviction, TokenRequest). */
  group?: string;
  version?: string;
  verbs: string[];
}

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
};

export type FieldSelectorGetter = (obj: KubeObject) => string | undefined;

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceInfo[];
  schema: TSchema;
  /** Kubernetes' SetDefaults_*: mutates obj in place. Also drops nulls (Go decodes them as zero values). */
  defaults(obj: KubeObject): void;
  /** Kubernetes' validation on create (old undefined) or update; [] when valid. */
  validate(obj: KubeObject, old?: KubeObject): FieldError[];
  /** Kubernetes' rest strategy PrepareForCreate. */
  prepareForCreate(obj: KubeObject): void;
  /** Kubernetes' rest strategy PrepareForUpdate (main resource) or the status strategy's (subresource 'status'). */
  prepareForUpdate(obj: KubeObject, old: KubeObject, subresource?: 'status'): void;
  /** Field selectors beyond metadata.name / metadata.namespace (always supported). */
  fieldSelectors: Record<string, FieldSelectorGetter>;
  tableColumns: TableColumn[];
  tableRow(obj: KubeObject, nowMs: number): unknown[];
  /** Set on a version served by conversion to the stored one (autoscaling/v1 HorizontalPodAutoscaler). */
  conversion?: VersionConversion;
}

/** How a served version maps to the stored version of the same group/resource (a hub-and-spoke conversion). */
export interface VersionConversion {
  storageVersion: string;
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}
