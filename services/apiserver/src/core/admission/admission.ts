// The admission chain (Kubernetes' admission plugins): every plugin's mutating step in order,
// then every plugin's validating step in order, on writes only (create, update, delete, connect;
// never on reads). A plugin refuses by throwing an ApiError. One file per plugin; plugins.ts lists
// the default order, so the security issue can add NodeRestriction, LimitRanger, ResourceQuota.

import type { KubeObject, ResourceInfo } from '@skiff/api';
import type { CoreContext } from '../context.js';
import type { UserInfo } from '../types.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  readonly operation: AdmissionOperation;
  readonly info: ResourceInfo;
  readonly subresource: string | undefined;
  readonly namespace: string | undefined;
  /** Empty on a create with generateName (the name is not chosen yet). */
  readonly name: string;
  /** The incoming object (mutating plugins change it in place); absent on DELETE. */
  readonly object: KubeObject | undefined;
  /** The stored object on UPDATE and DELETE. */
  readonly oldObject: KubeObject | undefined;
  readonly user: UserInfo;
  readonly dryRun: boolean;
}

export interface AdmissionPlugin {
  readonly name: string;
  admit?(attrs: AdmissionAttributes, ctx: CoreContext): void | Promise<void>;
  validate?(attrs: AdmissionAttributes, ctx: CoreContext): void | Promise<void>;
}

export async function runMutating(plugins: readonly AdmissionPlugin[], attrs: AdmissionAttributes, ctx: CoreContext): Promise<void> {
  for (const p of plugins) if (p.admit !== undefined) await p.admit(attrs, ctx);
}

export async function runValidating(plugins: readonly AdmissionPlugin[], attrs: AdmissionAttributes, ctx: CoreContext): Promise<void> {
  for (const p of plugins) if (p.validate !== undefined) await p.validate(attrs, ctx);
}

/** Is this the main resource (not a subresource) of core/v1 `resource`? */
export function isCore(attrs: AdmissionAttributes, resource: string): boolean {
  return attrs.info.group === '' && attrs.info.resource === resource && (attrs.subresource ?? '') === '';
}
