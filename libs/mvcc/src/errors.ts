// Errors are data: a bad request gets an ErrorResponse and changes nothing; apply() never throws
// on client input. Codes mirror etcd's rpctypes errors (etcdserver/api/v3rpc/rpctypes/error.go).

export const MvccErrorCode = {
  /** "etcdserver: key is not provided" */
  KeyEmpty: 'KeyEmpty',
  /** "etcdserver: request is too large" */
  ValueTooLarge: 'ValueTooLarge',
  /** "mvcc: required revision has been compacted"; carries compactRevision. */
  Compacted: 'Compacted',
  /** "mvcc: required revision is a future revision" */
  FutureRevision: 'FutureRevision',
  /** "etcdserver: requested lease not found" */
  LeaseNotFound: 'LeaseNotFound',
  /** "etcdserver: lease already exists" */
  LeaseExists: 'LeaseExists',
  /** "etcdserver: too large lease TTL" */
  LeaseTtlTooLarge: 'LeaseTtlTooLarge',
  /** "etcdserver: key not found" (put with ignoreValue / ignoreLease on a missing key) */
  KeyNotFound: 'KeyNotFound',
  /** "etcdserver: duplicate key given in txn request" */
  DuplicateKey: 'DuplicateKey',
  /** "etcdserver: too many operations in txn request" */
  TooManyOps: 'TooManyOps',
  /** A seq below the client's acknowledged floor: an old duplicate whose response is gone. */
  StaleSequence: 'StaleSequence',
  /** A command or request that does not have the documented shape. */
  InvalidRequest: 'InvalidRequest',
  /** A watch id already in use. */
  WatchIdExists: 'WatchIdExists',
} as const;
export type MvccErrorCode = (typeof MvccErrorCode)[keyof typeof MvccErrorCode];

export interface ErrorResponse {
  readonly type: 'error';
  readonly code: MvccErrorCode;
  readonly message: string;
  /** The store revision when the error was produced. */
  readonly revision: number;
  /** For Compacted: the revision the store is compacted at (reads below it are gone). */
  readonly compactRevision?: number;
}

/** Internal: an error not yet stamped with the store revision. */
export interface MvccFault {
  readonly code: MvccErrorCode;
  readonly message: string;
  readonly compactRevision?: number;
}

export function fault(code: MvccErrorCode, message: string): MvccFault {
  return { code, message };
}

export function compactedFault(compactRevision: number): MvccFault {
  return { code: MvccErrorCode.Compacted, message: `required revision has been compacted (compact revision ${compactRevision})`, compactRevision };
}

export function toErrorResponse(f: MvccFault, revision: number): ErrorResponse {
  return f.compactRevision === undefined
    ? { type: 'error', code: f.code, message: f.message, revision }
    : { type: 'error', code: f.code, message: f.message, revision, compactRevision: f.compactRevision };
}
