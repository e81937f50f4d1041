// JSON merge patch (RFC 7386), `application/merge-patch+json`: objects merge key by key, `null`
// deletes, anything else (arrays included) replaces. kubectl label/annotate/scale send it.
import { PatchError, PatchType } from './patch-error.js';
import { isJsonObject, jsonClone, setOwn, type JsonObject, type JsonValue } from './json-value.js';

/** RFC 7386 MergePatch(target, patch); inputs are not modified. */
export function mergePatchValue(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return jsonClone(patch);
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      setOwn(result, key, mergePatchValue(Object.hasOwn(result, key) ? result[key] : undefined, value));
    }
  }
  return result;
}

/**
 * Applies a merge patch to an object. The patch must be a JSON object (Kubernetes answers a 400
 * `Invalid JSON Patch` otherwise).
 */
export function applyMergePatch(original: JsonObject, patch: unknown): JsonObject {
  if (!isJsonObject(patch)) throw PatchError.badRequest(PatchType.MergePatch, 'Invalid JSON Patch');
  return mergePatchValue(original, patch) as JsonObject;
}
