// JSON patch (RFC 6902), `application/json-patch+json`, applied with fast-json-patch. kubectl
// rollout undo and `kubectl patch --type=json` send it. A body that is not a list of operations
// is a 400; an operation that cannot be applied (missing path, failed test) is Kubernetes' 422.
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { MAX_JSON_PATCH_OPERATIONS, PatchError, PatchType } from './patch-error.js';
import { isJsonObject, jsonClone, type JsonObject, type JsonValue } from './json-value.js';

function decodeOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) {
    const found = isJsonObject(patch) ? 'object' : patch === null ? 'null' : typeof patch;
    throw PatchError.badRequest(PatchType.JsonPatch, `json: cannot unmarshal ${found} into Go value of type jsonpatch.Patch`);
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) throw PatchError.tooManyOperations(patch.length);
  patch.forEach((operation, index) => {
    if (!isJsonObject(operation)) {
      throw PatchError.badRequest(PatchType.JsonPatch, `json: cannot unmarshal ${typeof operation} into Go value of type jsonpatch.Operation (operation ${index})`);
    }
  });
  // The library inserts operation values by reference: copy them so results never alias the request.
  return jsonClone(patch as JsonValue[]) as unknown as Operation[];
}

/** Applies RFC 6902 operations to a copy of `original`; the result must still be an object. */
export function applyJsonPatch(original: JsonObject, patch: unknown): JsonObject {
  const operations = decodeOperations(patch);
  let result: unknown;
  try {
    result = jsonpatch.applyPatch(jsonClone(original), operations, true, true, true).newDocument;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    throw PatchError.unprocessable(PatchType.JsonPatch, detail);
  }
  if (!isJsonObject(result)) throw PatchError.unprocessable(PatchType.JsonPatch, 'the patched document is not a JSON object');
  return result;
}
