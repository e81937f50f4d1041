// Node selector matching (k8s.io/component-helpers/scheduling/corev1/nodeaffinity): required terms
// are ORed, the requirements inside a term ANDed. A term with no requirement matches nothing, and so
// does a term holding an invalid requirement (Kubernetes ignores the parse error and reports no match).
import type { Labels, Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from '../types.js';

type Matcher = (value: string | undefined) => boolean;

export interface CompiledRequirement {
  readonly key: string;
  readonly matches: Matcher;
}

export interface CompiledTerm {
  readonly expressions: readonly CompiledRequirement[];
  readonly fields: readonly CompiledRequirement[];
  /** False for an empty or invalid term: it matches no node. */
  readonly valid: boolean;
}

export interface CompiledPreferredTerm {
  readonly weight: number;
  readonly term: CompiledTerm;
}

/** spec.nodeSelector plus required node affinity, the filter NodeAffinity applies. */
export interface RequiredNodeAffinity {
  readonly nodeSelector: readonly (readonly [string, string])[];
  /** Undefined when the pod has no required node affinity. */
  readonly terms: readonly CompiledTerm[] | undefined;
}

const INTEGER = /^[+-]?\d+$/;

function compileRequirement(r: NodeSelectorRequirement, errors: string[]): CompiledRequirement | undefined {
  const values = r.values ?? [];
  const set = new Set(values);
  switch (r.operator) {
    case 'In':
      return { key: r.key, matches: (v) => v !== undefined && set.has(v) };
    case 'NotIn':
      return { key: r.key, matches: (v) => v === undefined || !set.has(v) };
    case 'Exists':
      return { key: r.key, matches: (v) => v !== undefined };
    case 'DoesNotExist':
      return { key: r.key, matches: (v) => v === undefined };
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1 || !INTEGER.test(values[0]!)) {
        errors.push(`${r.key}: for '${r.operator}' operator, exactly one integer value is required`);
        return undefined;
      }
      const bound = Number(values[0]);
      const gt = r.operator === 'Gt';
      return { key: r.key, matches: (v) => v !== undefined && INTEGER.test(v) && (gt ? Number(v) > bound : Number(v) < bound) };
    }
    default:
      errors.push(`${r.key}: "${r.operator}" is not a valid node selector operator`);
      return undefined;
  }
}

/** Compiles a term; parse problems go to `errors` and make the term match nothing. */
export function compileNodeSelectorTerm(term: NodeSelectorTerm, errors: string[]): CompiledTerm {
  let valid = (term.matchExpressions?.length ?? 0) + (term.matchFields?.length ?? 0) > 0;
  const compile = (list: readonly NodeSelectorRequirement[] | undefined, fields: boolean): CompiledRequirement[] => {
    const out: CompiledRequirement[] = [];
    for (const r of list ?? []) {
      // Only metadata.name is a supported field (nodeaffinity.go's validFieldSelectorKeys).
      if (fields && r.key !== 'metadata.name') {
        errors.push(`${r.key}: not a supported field selector`);
        valid = false;
        continue;
      }
      const compiled = compileRequirement(r, errors);
      if (compiled === undefined) valid = false;
      else out.push(compiled);
    }
    return out;
  };
  const expressions = compile(term.matchExpressions, false);
  const fields = compile(term.matchFields, true);
  return { expressions, fields, valid };
}

export function termMatches(term: CompiledTerm, nodeName: string, labels: Labels | undefined): boolean {
  if (!term.valid) return false;
  for (const r of term.expressions) if (!r.matches(labels?.[r.key])) return false;
  for (const r of term.fields) if (!r.matches(nodeName)) return false;
  return true;
}

export function anyTermMatches(terms: readonly CompiledTerm[], nodeName: string, labels: Labels | undefined): boolean {
  for (const t of terms) if (termMatches(t, nodeName, labels)) return true;
  return false;
}

export function compileRequiredNodeAffinity(pod: Pod, errors: string[]): RequiredNodeAffinity {
  const nodeSelector = Object.entries(pod.spec?.nodeSelector ?? {});
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms = required === undefined ? undefined : required.nodeSelectorTerms.map((t) => compileNodeSelectorTerm(t, errors));
  return { nodeSelector, terms };
}

export function compilePreferredTerms(pod: Pod, errors: string[]): CompiledPreferredTerm[] {
  const preferred = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  // A zero weight contributes nothing (nodeaffinity.NewPreferredSchedulingTerms skips it).
  return preferred.filter((p) => p.weight !== 0).map((p) => ({ weight: p.weight, term: compileNodeSelectorTerm(p.preference, errors) }));
}

/** GetRequiredNodeAffinity(pod).Match(node): nodeSelector and required terms both hold. */
export function requiredNodeAffinityMatches(affinity: RequiredNodeAffinity, node: Node): boolean {
  const labels = node.metadata?.labels;
  for (const [key, value] of affinity.nodeSelector) if (labels?.[key] !== value) return false;
  if (affinity.terms === undefined) return true;
  return anyTermMatches(affinity.terms, node.metadata?.name ?? '', labels);
}

export function hasRequiredNodeAffinity(affinity: RequiredNodeAffinity): boolean {
  return affinity.nodeSelector.length > 0 || affinity.terms !== undefined;
}
