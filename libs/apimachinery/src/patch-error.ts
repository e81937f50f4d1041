// Errors of the three patch formats, as the API server answers them: a malformed patch is a 400
// with the decoder's message; a well-formed patch that cannot be applied is a 422 whose message is
// Kubernetes' fixed `the server rejected our request due to an error in our request` (the cause
// stays in `detail`, for logs); too many JSON patch operations is a 413.
import { ApiError, badRequestStatus, genericServerResponseStatus, requestEntityTooLargeStatus } from './status.js';

export const PatchType = {
  JsonPatch: 'application/json-patch+json',
  MergePatch: 'application/merge-patch+json',
  StrategicMergePatch: 'application/strategic-merge-patch+json',
  ApplyPatch: 'application/apply-patch+yaml',
} as const;
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

/** The media types a PATCH accepts, in the order Kubernetes lists them in a 415. */
export const PATCH_MEDIA_TYPES: readonly PatchType[] = [PatchType.JsonPatch, PatchType.MergePatch, PatchType.StrategicMergePatch, PatchType.ApplyPatch];

/** The patch type of a Content-Type header (parameters ignored), or undefined. */
export function patchTypeFromContentType(contentType: string | undefined): PatchType | undefined {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return PATCH_MEDIA_TYPES.find((type) => type === mediaType);
}

/** A JSON patch may hold at most this many operations (apiserver's maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export class PatchError extends ApiError {
  override readonly name = 'PatchError';

  constructor(
    status: ApiError['status'],
    readonly patchType: PatchType,
    /** The underlying reason, also for errors whose Status hides it. */
    readonly detail: string,
  ) {
    super(status);
  }

  /** 400 BadRequest with the message as the Status message. */
  static badRequest(patchType: PatchType, message: string): PatchError {
    return new PatchError(badRequestStatus(message), patchType, message);
  }

  /** 422 Invalid with Kubernetes' generic message; `detail` keeps the cause. */
  static unprocessable(patchType: PatchType, detail: string): PatchError {
    return new PatchError(genericServerResponseStatus(422), patchType, detail);
  }

  static tooManyOperations(count: number): PatchError {
    const message = `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${count}`;
    return new PatchError(requestEntityTooLargeStatus(message), PatchType.JsonPatch, message);
  }
}
