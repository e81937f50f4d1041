// REST strategies (k8s.io/apiserver/pkg/registry/rest): what the server itself changes on create
// and update, before validation. A main update keeps the old status; a /status update keeps
// everything else; generation counts spec changes for kinds that have one.
import type { KubeObject } from '../types.js';
import { deepEqual } from '../validation/common.js';

export interface StrategyOptions {
  /** The status a new object starts with (Kubernetes resets what the client sent); undefined keeps it. */
  initialStatus?: (obj: KubeObject) => unknown;
  /** The kind has a status that main updates may not change. */
  hasStatus: boolean;
  /** Top-level fields whose change bumps metadata.generation; undefined when the kind has no generation. */
  generationFields?: readonly string[] | 'all';
  /** Also bump generation when annotations change (Deployments copy them to ReplicaSets). */
  annotationsBumpGeneration?: boolean;
  /** Metadata a /status update may not change (kept from the old object). */
  statusKeepsMetadata?: readonly ('labels' | 'annotations' | 'ownerReferences')[];
  create?: (obj: KubeObject) => void;
  update?: (obj: KubeObject, old: KubeObject) => void;
  statusUpdate?: (obj: KubeObject, old: KubeObject) => void;
}

export interface Strategy {
  prepareForCreate(obj: KubeObject): void;
  prepareForUpdate(obj: KubeObject, old: KubeObject, subresource?: 'status'): void;
}

function specChanged(obj: KubeObject, old: KubeObject, fields: readonly string[] | 'all'): boolean {
  const keys =
    fields === 'all'
      ? [...new Set([...Object.keys(obj), ...Object.keys(old)])].filter((k) => !['metadata', 'status', 'apiVersion', 'kind'].includes(k))
      : fields;
  return keys.some((k) => !deepEqual(obj[k], old[k]));
}

function keepField(obj: KubeObject, old: KubeObject, key: string): void {
  if (old[key] === undefined) delete obj[key];
  else obj[key] = structuredClone(old[key]);
}

export function makeStrategy(options: StrategyOptions): Strategy {
  return {
    prepareForCreate(obj) {
      if (options.initialStatus !== undefined) {
        const status = options.initialStatus(obj);
        if (status === undefined) delete obj.status;
        else obj.status = status;
      }
      if (options.generationFields !== undefined) obj.metadata.generation = 1;
      options.create?.(obj);
    },
    prepareForUpdate(obj, old, subresource) {
      // Clients cannot set generation (rest.BeforeUpdate).
      if (old.metadata.generation === undefined) delete obj.metadata.generation;
      else obj.metadata.generation = old.metadata.generation;
      if (subresource === 'status') {
        for (const key of new Set([...Object.keys(obj), ...Object.keys(old)])) {
          if (key !== 'status' && key !== 'metadata' && key !== 'apiVersion' && key !== 'kind') keepField(obj, old, key);
        }
        for (const key of options.statusKeepsMetadata ?? []) {
          if (old.metadata[key] === undefined) delete obj.metadata[key];
          else obj.metadata[key] = structuredClone(old.metadata[key]) as never;
        }
        options.statusUpdate?.(obj, old);
        return;
      }
      if (options.hasStatus) keepField(obj, old, 'status');
      options.update?.(obj, old);
      const fields = options.generationFields;
      if (fields !== undefined) {
        const bump = specChanged(obj, old, fields) || (options.annotationsBumpGeneration === true && !deepEqual(obj.metadata.annotations, old.metadata.annotations));
        if (bump) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
      }
    },
  };
}

export const noStrategy: Strategy = makeStrategy({ hasStatus: false });
