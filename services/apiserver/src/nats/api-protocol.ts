// The Kubernetes API over NATS, for Skiff's components (DESIGN.md §3): the same requests as the
// REST API, as msgpack envelopes. Objects travel as msgpack maps of their JSON form.
//
// `api.<verb>` (verbs: get list create update patch delete bind status; queue group `apiserver`):
//   request  ApiBusRequest                 reply ApiObjectReply, or an error envelope whose `code`
//                                          is the Status reason (NotFound, AlreadyExists, Conflict,
//                                          Invalid, ...) and whose `details` is the Status itself
//   get/list/update/patch: as the REST verbs; create: POST (also on subresources: eviction, token);
//   delete: one object with `name`, the collection without; bind: create pods/binding (the
//   Binding in `body`); status: update pods/status etc. (patch with `patchType`).
//
// `api.watch` (a Bus.requestStream; the stream goes to the request's reply inbox):
//   1. ApiWatchOpened, or an error envelope (e.g. 410 Expired) followed by the end of the stream;
//   2. ApiWatchEventMessage per event, in order, `seq` counting every stream message from 1, so a
//      gap (NATS drops messages for a slow consumer) shows and the client relists;
//   3. ApiWatchHeartbeat every `heartbeatMs` while quiet or not: it keeps the client's idle timeout
//      from firing, and it is sent as a request, so that a client gone away (no subscriber on the
//      inbox: NoResponders) ends the watch on the server. Clients may answer it with an empty message;
//   4. an empty message (Bus end-of-stream) when the watch ends: timeoutSeconds, server shutdown.
//   An expired resourceVersion is an ERROR event carrying a 410 Status, as over HTTP.

import { guardOf, type Envelope } from '@skiff/bus';

export type QueryValue = string | number | boolean | readonly string[];

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
  readonly patchType?: 'json' | 'merge' | 'strategic' | 'apply';
}

export interface ApiObjectReply {
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

export interface ApiWatchOpened {
  readonly type: 'api.watch.opened';
  readonly seq: number;
  readonly heartbeatMs: number;
}

export interface ApiWatchEventMessage {
  readonly type: 'api.watch.event';
  readonly seq: number;
  readonly event: { readonly type: string; readonly object: unknown };
}

export interface ApiWatchHeartbeat {
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

/** Query parameters as the REST API has them. */
export function toSearchParams(query: Readonly<Record<string, QueryValue>> | undefined): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (Array.isArray(value)) for (const v of value) out.append(key, String(v));
    else out.set(key, String(value));
  }
  return out;
}
