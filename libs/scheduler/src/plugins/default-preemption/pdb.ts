// PodDisruptionBudget accounting for preemption (filterPodsWithPDBViolation): walking victims in
// order, each one matching a budget uses up one allowed disruption; a victim that drives a budget
// below zero violates it. Pods the budget already lists as disrupted are not counted again.
import { labelSelectorMatches } from '@skiff/apimachinery';
import { compileSelector } from '../../helpers/affinity-term.js';
import type { PodInfo } from '../../pod-info.js';
import type { PodDisruptionBudget } from '../../types.js';

export function splitByPDBViolation(victims: readonly PodInfo[], pdbs: readonly PodDisruptionBudget[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const selectors = pdbs.map((p) => compileSelector(p.spec?.selector, []));
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const victim of victims) {
    let violated = false;
    // A pod with no labels matches no budget.
    if (victim.labels !== undefined && Object.keys(victim.labels).length > 0) {
      pdbs.forEach((pdb, i) => {
        if ((pdb.metadata?.namespace ?? 'default') !== victim.namespace) return;
        const selector = selectors[i]!;
        // A budget with a missing or empty selector matches nothing.
        if (selector.type === 'nothing' || selector.requirements.length === 0 || !labelSelectorMatches(selector, victim.labels)) return;
        if (pdb.status?.disruptedPods?.[victim.name] !== undefined) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(victim);
  }
  return { violating, nonViolating };
}
