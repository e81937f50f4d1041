// Inter-pod affinity terms in their matching form (framework.AffinityTerm): the namespaces a term
// looks in, its label selector and namespace selector, and its topology key. A term with neither
// namespaces nor namespaceSelector looks in the pod's own namespace; an empty namespaceSelector
// ({}) selects every namespace; a missing labelSelector selects no pod.
import { labelSelectorFromObject, labelSelectorMatches, nothingSelector, type LabelSelector as Selector } from '@skiff/apimachinery';
import type { LabelSelector, Labels, PodAffinityTerm, WeightedPodAffinityTerm } from '../types.js';

export interface AffinityTerm {
  readonly namespaces: ReadonlySet<string>;
  readonly selector: Selector;
  readonly namespaceSelector: Selector;
  readonly topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

/** A label selector object in matching form; an invalid one selects nothing and records an error. */
export function compileSelector(object: LabelSelector | undefined, errors: string[]): Selector {
  try {
    return labelSelectorFromObject(object);
  } catch (error) {
    errors.push((error as Error).message);
    return nothingSelector;
  }
}

export function compileAffinityTerm(term: PodAffinityTerm, podNamespace: string, errors: string[]): AffinityTerm {
  const namespaces = term.namespaces ?? [];
  const ownNamespace = namespaces.length === 0 && term.namespaceSelector === undefined;
  return {
    namespaces: new Set(ownNamespace ? [podNamespace] : namespaces),
    selector: compileSelector(term.labelSelector, errors),
    namespaceSelector: term.namespaceSelector === undefined ? nothingSelector : compileSelector(term.namespaceSelector, errors),
    topologyKey: term.topologyKey,
  };
}

export function compileWeightedTerms(terms: readonly WeightedPodAffinityTerm[] | undefined, podNamespace: string, errors: string[]): WeightedAffinityTerm[] {
  return (terms ?? []).map((t) => ({ ...compileAffinityTerm(t.podAffinityTerm, podNamespace, errors), weight: t.weight }));
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and carries matching labels. */
export function affinityTermMatches(term: AffinityTerm, namespace: string, labels: Labels | undefined, namespaceLabels: Labels | undefined): boolean {
  if (!term.namespaces.has(namespace) && !labelSelectorMatches(term.namespaceSelector, namespaceLabels)) return false;
  return labelSelectorMatches(term.selector, labels);
}
