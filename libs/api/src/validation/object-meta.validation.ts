// ObjectMeta rules (apimachinery/pkg/api/validation/objectmeta.go) and labels, annotations,
// finalizers, owner references.
import { FieldPath, forbidden, invalid, required, tooLong, type FieldError } from '../field-error.js';
import type { ObjectMeta } from '../schema/meta.schema.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain, type NameValidator } from './names.js';

export const totalAnnotationSizeLimitBytes = 256 * 1024;
const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** TooLong as 1.32 words it. */
export function tooLongBytes(path: FieldPath | string, max: number): FieldError {
  const e = tooLong(path, max);
  return { ...e, message: `Too long: may not be more than ${max} bytes` };
}

export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names in any letter case.
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > totalAnnotationSizeLimitBytes) errs.push(tooLongBytes(path, totalAnnotationSizeLimitBytes));
  return errs;
}

function validateFinalizers(finalizers: string[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (finalizers ?? []).forEach((f) => {
    for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
    if (!f.includes('/') && !standardFinalizers.has(f) && isQualifiedName(f).length === 0) {
      errs.push(invalid(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
    seen.add(f);
  });
  return errs;
}

function validateOwnerReferences(refs: ObjectMeta['ownerReferences'], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  for (const ref of refs ?? []) {
    if (!ref.apiVersion) errs.push(invalid(path.child('apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(path.child('kind'), ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(invalid(path.child('name'), ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(invalid(path.child('uid'), ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller === true) controllers.push(`${ref.kind}/${ref.name}`);
  }
  if (controllers.length > 1) {
    errs.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`, '[]v1.OwnerReference{...}'));
  }
  return errs;
}

export interface MetaRules {
  namespaced: boolean;
  nameFn: NameValidator;
}

/** ValidateObjectMeta: name or generateName, namespace presence, labels, annotations, finalizers. */
export function validateObjectMeta(meta: ObjectMeta | undefined, namespacedOrRules: boolean | MetaRules): FieldError[] {
  const rules: MetaRules =
    typeof namespacedOrRules === 'boolean' ? { namespaced: namespacedOrRules, nameFn: nameIsDNSSubdomain } : namespacedOrRules;
  const m = meta ?? {};
  const path = FieldPath.root('metadata');
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of rules.nameFn(m.generateName, true)) errs.push(invalid(path.child('generateName'), m.generateName, msg));
  }
  if (!m.name) errs.push(required(path.child('name'), 'name or generateName is required'));
  else for (const msg of rules.nameFn(m.name, false)) errs.push(invalid(path.child('name'), m.name, msg));
  if (rules.namespaced) {
    if (!m.namespace) errs.push(required(path.child('namespace')));
    else for (const msg of nameIsDNSLabel(m.namespace, false)) errs.push(invalid(path.child('namespace'), m.namespace, msg));
  } else if (m.namespace) {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  if (m.generation !== undefined && m.generation < 0) {
    errs.push(invalid(path.child('generation'), m.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(m.labels, path.child('labels')));
  errs.push(...validateAnnotations(m.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, path.child('finalizers')));
  return errs;
}

/** ValidateObjectMetaUpdate: identity fields cannot change. */
export function validateObjectMetaUpdate(meta: ObjectMeta | undefined, old: ObjectMeta | undefined): FieldError[] {
  const m = meta ?? {};
  const o = old ?? {};
  const path = FieldPath.root('metadata');
  const errs: FieldError[] = [];
  const immutable = ['name', 'namespace', 'uid', 'creationTimestamp'] as const;
  for (const key of immutable) {
    if (o[key] !== undefined && m[key] !== o[key]) errs.push(invalid(path.child(key), m[key] ?? '', 'field is immutable'));
  }
  if (o.deletionTimestamp !== undefined && m.deletionTimestamp !== o.deletionTimestamp) {
    errs.push(invalid(path.child('deletionTimestamp'), m.deletionTimestamp ?? null, 'field is immutable; may only be changed via deletion'));
  }
  if (o.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds !== o.deletionGracePeriodSeconds) {
    errs.push(invalid(path.child('deletionGracePeriodSeconds'), m.deletionGracePeriodSeconds ?? null, 'field is immutable; may only be changed via deletion'));
  }
  if (m.generation !== undefined && m.generation < 0) {
    errs.push(invalid(path.child('generation'), m.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(m.labels, path.child('labels')));
  errs.push(...validateAnnotations(m.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, path.child('finalizers')));
  return errs;
}
