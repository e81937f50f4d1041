// Throwing Kubernetes errors: every failure of the REST core leaves as an ApiError
// (@skiff/apimachinery) carrying the Status the HTTP front writes as is.

import { ApiError, isApiError } from '@skiff/apimachinery';
import type { Status } from './status.js';

export { ApiError, isApiError };

export function fail(status: Status): never {
  throw new ApiError(status);
}

/** The Status inside an ApiError. */
export function statusOf(err: ApiError): Status {
  return err.status;
}
