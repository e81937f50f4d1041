// metav1.LabelSelectorAsSelector for controllers: an empty selector selects everything, a missing
// or malformed one selects nothing (a controller must never adopt the namespace by accident).
import { labelSelectorFromObject, labelSelectorMatches, nothingSelector, type LabelSelector as Selector, type LabelSelectorObject } from '@skiff/apimachinery';

export function selectorOf(object: LabelSelectorObject | undefined): Selector {
  if (object === undefined) return nothingSelector;
  try {
    return labelSelectorFromObject(object);
  } catch {
    return nothingSelector;
  }
}

export function matchesSelector(selector: Selector, labels: Readonly<Record<string, string>> | undefined): boolean {
  return labelSelectorMatches(selector, labels ?? {});
}

/** A map selector (Service.spec.selector, ReplicationController.spec.selector) as a selector. */
export function selectorFromMap(map: Readonly<Record<string, string>> | undefined): Selector {
  return map === undefined || Object.keys(map).length === 0 ? nothingSelector : selectorOf({ matchLabels: { ...map } });
}

export function isEmptySelectorObject(object: LabelSelectorObject | undefined): boolean {
  return object !== undefined && Object.keys(object.matchLabels ?? {}).length === 0 && (object.matchExpressions ?? []).length === 0;
}
