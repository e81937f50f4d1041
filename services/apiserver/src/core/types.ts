// The REST core's contract with the HTTP front (/work/notes/apiserver-contract.md): one request
// in, an object or a watch stream out; errors are thrown as ApiError (@skiff/apimachinery).

import type { KubeObject } from '@skiff/api';

export interface UserInfo {
  readonly username: string;
  readonly groups: readonly string[];
  readonly uid?: string;
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

export type ApiVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface ApiRequest {
  readonly verb: ApiVerb;
  readonly group: string;
  readonly version: string;
  /** Plural, e.g. 'pods'. */
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  /** 'status' | 'scale' | 'binding' | 'eviction' | 'token' | ... */
  readonly subresource?: string;
  /** nodes/proxy: the path after `proxy/` (e.g. 'healthz'). */
  readonly proxyPath?: string;
  /**
   * labelSelector, fieldSelector, limit, continue, resourceVersion, resourceVersionMatch, watch,
   * allowWatchBookmarks, sendInitialEvents, timeoutSeconds, fieldManager, fieldValidation, force,
   * dryRun, propagationPolicy, gracePeriodSeconds.
   */
  readonly query: URLSearchParams;
  /** The decoded body (an object, DeleteOptions for delete, the patch document for patch). */
  readonly body?: unknown;
  readonly patchType?: PatchType;
  readonly user: UserInfo;
  /** The client's User-Agent: the default field manager when ?fieldManager= is absent (`kubectl/v1.32.0 ...` -> `kubectl`). */
  readonly userAgent?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** `object` is shared with other watchers and the cache: read it, never change it. */
export interface WatchEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
}

export type ApiResult =
  /** 200/201; a KubeObject, a List (kind XxxList with metadata.resourceVersion/continue, items) or a Status. */
  | { readonly kind: 'object'; readonly status: number; readonly object: KubeObject }
  | { readonly kind: 'watch'; readonly events: AsyncIterable<WatchEvent>; cancel(): void }
  /** 200 text/plain, streamed (pods/log: the kubelet's answer, as it comes with follow=true). */
  | { readonly kind: 'text'; readonly chunks: AsyncIterable<string>; cancel(): void };

/** Where pods/log comes from: the pod's kubelet (the apiserver's kubelet client; Skiff: NATS). */
export type PodLogSource = (pod: KubeObject, query: URLSearchParams) => Promise<{ readonly chunks: AsyncIterable<string>; cancel(): void }>;

/** nodes/proxy: a kubelet path of a node, answered as text (the apiserver's kubelet client; Skiff: NATS). */
export type NodeProxySource = (node: string, path: string, query: URLSearchParams) => Promise<{ readonly chunks: AsyncIterable<string>; cancel(): void }>;

export interface ApiCore {
  handle(req: ApiRequest): Promise<ApiResult>;
  /** Store reachable, watch caches primed, bootstrap objects exist. */
  ready(): Promise<void>;
  stop(): Promise<void>;
}
