// The Kubernetes API over NATS as the apiserver serves it (services/apiserver/src/nats/
// api-protocol.ts and api-endpoints.ts; DESIGN.md §3). A library may not import a service, so the
// shapes live here too; they must stay identical to the server's (the apiserver will import these).
//
// `api.<verb>` (verbs: get list create update patch delete bind status; queue group `apiserver`):
//   request ApiBusRequest -> reply ApiObjectReply, or an error envelope whose `code` is the Status
//   reason (NotFound, AlreadyExists, Conflict, Invalid, ...) and whose `details` is the Status.
//   create also serves subresources (eviction, token); delete without `name` deletes the
//   collection; bind creates pods/binding; status updates (or, with patchType, patches) `status`.
//
// `api.watch` (Bus.requestStream; the stream goes to the request's reply inbox):
//   1. ApiWatchOpened (seq 1), or an error envelope followed by the end of the stream;
//   2. ApiWatchEventMessage per event, `seq` counting every stream message, so a gap shows;
//   3. ApiWatchHeartbeat every `heartbeatMs`, sent as a request: answer it with an empty message
//      (a client gone away gives the server NoResponders, which ends the watch);
//   4. an empty message (end-of-stream) when the watch ends (timeoutSeconds, server shutdown).
//   An expired resourceVersion is an ERROR event carrying a 410 Status, as over HTTP.

import { guardOf, type Envelope } from '@skiff/bus';

export type QueryValue = string | number | boolean | readonly string[];

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface ApiBusRequest extends Envelope {
  readonly type: 'api.request';
  /** '' or absent for the core group. */
  readonly group?: string;
  readonly version: string;
  /** Plural: 'pods'. */
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  /** The REST query parameters: labelSelector, fieldSelector, limit, resourceVersion, fieldManager, ... */
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** The object (create, update, bind, status), the patch document, or DeleteOptions. */
  readonly body?: unknown;
  readonly patchType?: PatchType;
}

export interface ApiObjectReply extends Envelope {
  readonly type: 'api.object';
  /** The HTTP code the REST API would answer with: 200, 201, 202. */
  readonly status: number;
  readonly object: unknown;
}

export interface ApiWatchRequest extends Envelope {
  readonly type: 'api.watch';
  readonly group?: string;
  readonly version: string;
  readonly resource: string;
  readonly namespace?: string;
  /** resourceVersion, labelSelector, fieldSelector, allowWatchBookmarks, sendInitialEvents, timeoutSeconds. */
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** Heartbeat period asked for (bounded to [HEARTBEAT_MIN_MS, HEARTBEAT_MAX_MS]). */
  readonly heartbeatMs?: number;
}

export interface ApiWatchOpened extends Envelope {
  readonly type: 'api.watch.opened';
  readonly seq: number;
  readonly heartbeatMs: number;
}

export interface ApiWatchEventMessage extends Envelope {
  readonly type: 'api.watch.event';
  readonly seq: number;
  readonly event: { readonly type: string; readonly object: unknown };
}

export interface ApiWatchHeartbeat extends Envelope {
  readonly type: 'api.watch.heartbeat';
  readonly seq: number;
}

export const DEFAULT_HEARTBEAT_MS = 5_000;
export const HEARTBEAT_MIN_MS = 500;
export const HEARTBEAT_MAX_MS = 60_000;

const requestFields = {
  group: 'string?',
  version: 'string',
  resource: 'string',
  namespace: 'string?',
  query: 'map?',
} as const;

export const isApiBusRequest = guardOf<ApiBusRequest>('api.request', {
  ...requestFields,
  name: 'string?',
  subresource: 'string?',
  body: 'any?',
  patchType: 'string?',
});

export const isApiWatchRequest = guardOf<ApiWatchRequest>('api.watch', { ...requestFields, heartbeatMs: 'integer?' });

export const isApiObjectReply = guardOf<ApiObjectReply>('api.object', { status: 'integer', object: 'any' });
export const isApiWatchOpened = guardOf<ApiWatchOpened>('api.watch.opened', { seq: 'integer', heartbeatMs: 'integer' });
export const isApiWatchEvent = guardOf<ApiWatchEventMessage>('api.watch.event', { seq: 'integer', event: 'map' });
export const isApiWatchHeartbeat = guardOf<ApiWatchHeartbeat>('api.watch.heartbeat', { seq: 'integer' });

/** Query parameters as the REST API has them. */
export function toSearchParams(query: Readonly<Record<string, QueryValue>> | undefined): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (Array.isArray(value)) for (const v of value) out.append(key, String(v));
    else out.set(key, String(value));
  }
  return out;
}
