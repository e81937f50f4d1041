// The REST core's one door to @skiff/apimachinery (selectors, patches, server-side apply, continue
// tokens, generateName): every use goes through here, so the core depends on a handful of names.
// INTERIM: parts of the library were not there when this was written; the small pieces below are
// local until it lands, then they become re-exports.

import fastJsonPatch from 'fast-json-patch';
import type { Random } from '@skiff/core';
import { fail } from './errors.js';
import { badRequest, expired, unprocessable } from './status.js';

// ---- label selectors (k8s.io/apimachinery/pkg/labels) ------------------------------------------

export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;

interface Requirement {
  readonly key: string;
  readonly op: 'in' | 'notin' | 'exists' | '!' | '=' | '!=' | 'gt' | 'lt';
  readonly values: readonly string[];
}

function matchRequirement(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case '=':
    case 'in':
      return has && r.values.includes(v as string);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
      return has && Number(v) > Number(r.values[0]);
    case 'lt':
      return has && Number(v) < Number(r.values[0]);
  }
}

/** Parses `a=b,c!=d,e in (f,g),!h,i`; 400 BadRequest on bad syntax. Empty: everything. */
export function parseLabelSelector(text: string): LabelMatcher {
  const reqs: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    const p = part.trim();
    if (p === '') continue;
    reqs.push(parseRequirement(p));
  }
  return (labels) => reqs.every((r) => matchRequirement(r, labels));
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const SET_RE = /^([A-Za-z0-9._/-]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const CMP_RE = /^([A-Za-z0-9._/-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/;

function parseRequirement(p: string): Requirement {
  const set = SET_RE.exec(p);
  if (set) return { key: set[1] as string, op: set[2] as 'in' | 'notin', values: (set[3] as string).split(',').map((v) => v.trim()) };
  const cmp = CMP_RE.exec(p);
  if (cmp) return { key: cmp[1] as string, op: cmp[2] === '!=' ? '!=' : '=', values: [cmp[3] as string] };
  if (/^![A-Za-z0-9._/-]+$/.test(p)) return { key: p.slice(1), op: '!', values: [] };
  if (/^[A-Za-z0-9._/-]+$/.test(p)) return { key: p, op: 'exists', values: [] };
  return fail(badRequest(`unable to parse requirement: found '${p}', expected: key, !key, key=value, key!=value, key in (values), key notin (values)`));
}

export interface LabelSelectorSpec {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** metav1.LabelSelectorAsSelector: an empty selector matches everything. */
export function labelSelectorMatcher(sel: LabelSelectorSpec | undefined | null): LabelMatcher {
  if (sel === undefined || sel === null) return () => false;
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, op: '=', values: [v] });
  for (const e of sel.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator as 'In'];
    if (op === undefined) return () => false;
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return (labels) => reqs.every((r) => matchRequirement(r, labels));
}

/** metav1.FormatLabelSelector: `app=web,tier in (a,b)` (the Scale subresource's status.selector). */
export function formatLabelSelector(sel: LabelSelectorSpec | undefined): string {
  if (sel === undefined) return '';
  const parts: string[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}).sort()) parts.push(`${k}=${(sel.matchLabels ?? {})[k]}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${[...(e.values ?? [])].sort().join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${[...(e.values ?? [])].sort().join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

// ---- field selectors (k8s.io/apimachinery/pkg/fields) -------------------------------------------

export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

/** `spec.nodeName=n,status.phase!=Failed`; 400 on bad syntax. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const raw of text.split(',')) {
    const p = raw.trim();
    if (p === '') continue;
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(p);
    if (!m) fail(badRequest(`invalid selector: '${text}'; can't understand '${p}'`));
    out.push({ field: (m[1] as string).trim(), op: m[2] === '!=' ? '!=' : '=', value: (m[3] as string).trim() });
  }
  return out;
}

// ---- patches -----------------------------------------------------------------------------------

/** RFC 6902 JSON patch; 400 when the patch is malformed, 422 when it does not apply. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) fail(badRequest('json patch must be an array of operations'));
  const err = fastJsonPatch.validate(patch as fastJsonPatch.Operation[]);
  if (err !== undefined && err.name !== 'OPERATION_PATH_UNRESOLVABLE' && err.name !== 'TEST_OPERATION_FAILED' && err.name !== 'OPERATION_FROM_UNRESOLVABLE') {
    fail(badRequest(`invalid json patch: ${err.message.split('\n')[0]}`));
  }
  try {
    return fastJsonPatch.applyPatch(structuredClone(doc), patch as fastJsonPatch.Operation[], true, false).newDocument;
  } catch (e) {
    return fail(unprocessable(`the json patch could not be applied: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`));
  }
}

/** RFC 7386 JSON merge patch (null deletes). */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const base = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? { ...(doc as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete base[k];
    else base[k] = applyMergePatch(base[k], v);
  }
  return base;
}

// ---- continue tokens (Kubernetes' storage.EncodeContinue) -----------------------------------------

export interface ContinueToken {
  readonly resourceVersion: number;
  /** The key to start from, relative to the list prefix. */
  readonly start: string;
}

export function encodeContinue(resourceVersion: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: resourceVersion, start })).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string' || parsed.start.includes('..')) throw new Error('shape');
    return { resourceVersion: parsed.rv, start: parsed.start };
  } catch {
    return fail(badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'));
  }
}

export function continueExpired(): never {
  return fail(
    expired(
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    ),
  );
}

// ---- names ----------------------------------------------------------------------------------------

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** names.SimpleNameGenerator: the prefix (cut to leave room) plus 5 random characters. */
export function generateName(base: string, random: Random): string {
  const prefix = base.length > 58 ? base.slice(0, 58) : base;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[random.int(0, NAME_ALPHABET.length - 1)];
  return prefix + suffix;
}
