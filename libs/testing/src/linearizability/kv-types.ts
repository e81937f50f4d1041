// The operations of the Skiff store as the KV model sees them: one key per operation, etcd v3
// semantics (api/etcdserverpb/rpc.proto: Range, Put, DeleteRange, Txn). Output fields that are
// absent were not observed and are not checked; a pending operation has no output at all.
// Values are strings: a harness holding bytes maps them to a string (hex, base64, a digest).

export type KvCompareResult = '=' | '!=' | '<' | '>';

/** One etcd Compare on the operation's key. Several compares in a txn all have to hold. */
export type KvCompare =
  | { readonly target: 'value'; readonly result: KvCompareResult; readonly value: string }
  | { readonly target: 'version' | 'createRevision' | 'modRevision'; readonly result: KvCompareResult; readonly value: number };

/** What a txn does in its success or failure branch. */
export type KvTxnOp =
  | { readonly type: 'get' }
  | { readonly type: 'put'; readonly value: string }
  | { readonly type: 'delete' }
  | { readonly type: 'none' };

export type KvInput =
  | { readonly type: 'get'; readonly key: string }
  | { readonly type: 'put'; readonly key: string; readonly value: string }
  | { readonly type: 'delete'; readonly key: string }
  | {
      readonly type: 'txn';
      readonly key: string;
      readonly compares: readonly KvCompare[];
      readonly success: KvTxnOp;
      readonly failure: KvTxnOp;
    };

/** A key-value as a read (or prevKv) returned it. */
export interface KvRecord {
  readonly value: string;
  readonly version?: number;
  readonly createRevision?: number;
  readonly modRevision?: number;
}

export type KvGetOutput = { readonly type: 'get'; readonly kv: KvRecord | null };
/** `revision`: the revision of the write (etcd's response header revision for a Put). */
export type KvPutOutput = { readonly type: 'put'; readonly revision?: number; readonly prevKv?: KvRecord | null };
/** `revision` is checked only when the key existed: deleting nothing writes nothing. */
export type KvDeleteOutput = {
  readonly type: 'delete';
  readonly deleted?: number;
  readonly revision?: number;
  readonly prevKv?: KvRecord | null;
};
/** `response`: the output of the branch that ran (absent for a 'none' branch or when not observed). */
export type KvTxnOutput = {
  readonly type: 'txn';
  readonly succeeded: boolean;
  readonly response?: KvGetOutput | KvPutOutput | KvDeleteOutput;
};

export type KvOutput = KvGetOutput | KvPutOutput | KvDeleteOutput | KvTxnOutput;

/**
 * One key's state. Revisions are global in etcd, so a per-key partition only knows those that some
 * output revealed: `null` is "written by an operation whose revision was not observed".
 */
export interface KvState {
  /** `null`: the key does not exist. */
  readonly value: string | null;
  /** Puts since creation; 0 when absent (etcd mvccpb.KeyValue.version). */
  readonly version: number;
  /** 0 when absent. */
  readonly createRevision: number | null;
  /** 0 when absent; when `null`, known to be greater than `revisionFloor`. */
  readonly modRevision: number | null;
  /** A revision known to be at or below this key's last write: the next write's revision exceeds it. */
  readonly revisionFloor: number;
}

export const ABSENT_KEY: KvState = { value: null, version: 0, createRevision: 0, modRevision: 0, revisionFloor: 0 };
