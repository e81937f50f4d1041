// The REST core's one door to @skiff/apimachinery (selectors, patches, server-side apply and field
// ownership, continue tokens, generateName): every use goes through here, turning the library's
// typed errors into the Status answers Kubernetes gives, so the core depends on a handful of names.

import * as am from '@skiff/apimachinery';
import type { KubeObject, ResourceInfo } from '@skiff/api';
import type { Random } from '@skiff/core';
import { fail } from './errors.js';
import { badRequest } from './status.js';

// ---- selectors (@skiff/apimachinery; parse errors become Kubernetes' 400s) ----------------------

export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;

/** `?labelSelector=`: 400 BadRequest with Kubernetes' parse message. Empty: everything. */
export function parseLabelSelector(text: string): LabelMatcher {
  try {
    const sel = am.parseLabelSelector(text);
    return (labels) => am.labelSelectorMatches(sel, labels);
  } catch (err) {
    if (err instanceof am.LabelSelectorError) fail(badRequest(err.message));
    throw err;
  }
}

export type LabelSelectorSpec = am.LabelSelectorObject;

/** metav1.LabelSelectorAsSelector: absent selects nothing, empty everything; invalid selects nothing. */
export function labelSelectorMatcher(sel: LabelSelectorSpec | undefined | null): LabelMatcher {
  try {
    const parsed = am.labelSelectorFromObject(sel);
    return (labels) => am.labelSelectorMatches(parsed, labels);
  } catch {
    return () => false;
  }
}

/** metav1.FormatLabelSelector (the Scale subresource's status.selector). */
export function formatLabelSelector(sel: LabelSelectorSpec | undefined): string {
  try {
    return am.selectorToString(am.labelSelectorFromObject(sel ?? {}));
  } catch {
    return '';
  }
}

export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

/** `?fieldSelector=spec.nodeName=n,status.phase!=Failed`; 400 on bad syntax. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  try {
    return am.parseFieldSelector(text).terms.map((t) => ({ field: t.field, op: t.operator, value: t.value }));
  } catch (err) {
    if (err instanceof am.FieldSelectorError) fail(badRequest(err.message));
    throw err;
  }
}

// ---- patches (@skiff/apimachinery: PatchError is an ApiError with Kubernetes' 400/422/413) -----------

/** RFC 6902 JSON patch. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  return am.applyJsonPatch(doc as am.JsonObject, patch);
}

/** RFC 7386 JSON merge patch (null deletes). */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  return am.applyMergePatch(doc as am.JsonObject, patch);
}

// ---- continue tokens and names -------------------------------------------------------------------

export interface ContinueToken {
  readonly resourceVersion: number;
  /** The key to start from, relative to the list prefix. */
  readonly start: string;
}

export function encodeContinue(resourceVersion: number, start: string): string {
  return am.encodeContinueToken({ resourceVersion, startKey: start });
}

/** 400 BadRequest with Kubernetes' message for a garbled token. */
export function decodeContinue(token: string): ContinueToken {
  try {
    const t = am.decodeContinueToken(token);
    return { resourceVersion: t.resourceVersion, start: t.startKey };
  } catch (err) {
    if (err instanceof am.ContinueTokenError) return fail(badRequest(err.message));
    throw err;
  }
}

/** 410 Expired: the token's revision is compacted. */
export function continueExpired(): never {
  return fail(am.expiredContinueStatus());
}

/** names.SimpleNameGenerator: the prefix (cut to leave room) plus 5 random characters. */
export function generateName(base: string, random: Random): string {
  return am.generateName(base, random);
}

// ---- strategic merge patch and server-side apply ---------------------------------------------------

export interface ApplyOptions {
  readonly manager: string;
  readonly force: boolean;
  /** managedFields timestamps (RFC 3339). */
  readonly time: string;
  readonly subresource: string | undefined;
}

/** Kubernetes' strategic merge patch with the kind's patch strategies; 415 for kinds without a schema (as CRDs). */
export function applyStrategicMergePatch(info: ResourceInfo, current: KubeObject, patch: unknown): unknown {
  if (!am.hasStrategicMergeSchema({ group: info.group, kind: info.kind })) {
    return fail(am.unsupportedMediaTypeStatus(am.PATCH_MEDIA_TYPES.filter((t) => t !== am.PatchType.StrategicMergePatch)));
  }
  return am.strategicMergePatch({ group: info.group, kind: info.kind }, current as unknown as am.JsonObject, patch);
}

/** Field-name paths an endpoint resets: the main resource never writes status, /status only status. */
function ignoredFields(info: ResourceInfo, subresource: string | undefined): string[][] {
  if (subresource === 'status') return [['spec']];
  return info.subresources.some((s) => s.name === 'status') ? [['status']] : [];
}

/**
 * Server-side apply: `applied` merged into `live` (undefined: a create) for `manager`, with
 * managedFields updated; 409 Conflict with FieldManagerConflict causes unless `force`.
 */
export function serverSideApply(info: ResourceInfo, live: KubeObject | undefined, applied: KubeObject, opts: ApplyOptions): KubeObject {
  const r = am.applyPatch(live as am.JsonObject | undefined, applied, {
    manager: opts.manager,
    nowIso: opts.time,
    strategyFor: { group: info.group, kind: info.kind },
    force: opts.force,
    ignoredFields: ignoredFields(info, opts.subresource),
    ...(opts.subresource === undefined ? {} : { subresource: opts.subresource }),
  });
  if (r.type === 'conflict') return fail(r.status);
  return r.object as unknown as KubeObject;
}

/** managedFields after a non-apply write by `manager` (create, update, json/merge/strategic patch). */
export function trackUpdate(info: ResourceInfo, live: KubeObject | undefined, updated: KubeObject, manager: string, time: string, subresource: string | undefined): KubeObject {
  return am.trackUpdate(live as am.JsonObject | undefined, updated as unknown as am.JsonObject, {
    manager,
    nowIso: time,
    strategyFor: { group: info.group, kind: info.kind },
    ignoredFields: ignoredFields(info, subresource),
    ...(subresource === undefined ? {} : { subresource }),
  }) as unknown as KubeObject;
}

/** The field manager of a write: ?fieldManager=, else the User-Agent's product (Kubernetes' default). */
export function fieldManagerOf(query: URLSearchParams, userAgent: string | undefined): string {
  const given = query.get('fieldManager');
  if (given !== null && given !== '') return given;
  const fromAgent = userAgent === undefined ? '' : am.managerFromUserAgent(userAgent);
  return fromAgent === '' ? 'unknown' : fromAgent;
}
