// Adapter: one Kubernetes resource request over HTTP. The path and method become an ApiRequest
// (route.ts), the body is read and decoded (body.ts), the core answers, and the answer is written
// in the representation the client asked for: the object, a Table, PartialObjectMetadata, or a
// watch stream of those.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '@skiff/core';
import { ApiError, serviceUnavailableStatus } from '@skiff/apimachinery';
import type { ApiCore, ApiRequest, WatchEvent } from '../core/index.js';
import type { UserInfo } from './authn.js';
import { badRequest, decodeBody, readBody, requireObject, type ProtobufDecoder } from './body.js';
import { bodyMediaType, objectFormat, type ObjectFormat } from './negotiate.js';
import type { ApiObject, ResourceMeta } from './registry.js';
import { sendJson, sendStatus } from './respond.js';
import { resolveRequest, type ResolvedRequest, type ResourcePath } from './route.js';
import { failureStatus } from './status.js';
import { parseIncludeObject, toPartial, toTable, type IncludeObject } from './table.js';
import type { RegistryIndex } from './registry.js';
import { startWatchStream, type WatchEventLike, type WatchStream } from './watch-stream.js';

export interface ResourceHandlerDeps {
  readonly core: () => ApiCore | undefined;
  readonly index: RegistryIndex;
  readonly clock: Clock;
  readonly decodeProtobuf: ProtobufDecoder;
  readonly bodyLimitBytes: number;
  /** Every open watch, so that shutdown can end them. */
  readonly watches: Set<WatchStream>;
  readonly onWatchStart: (req: ResolvedRequest) => () => void;
  readonly onWatchEvent: (req: ResolvedRequest, event: WatchEventLike) => void;
  readonly onWatchError: (req: ResolvedRequest, err: unknown) => void;
}

/** What the request turned out to be, for metrics and logs (undefined until resolved). */
export interface ResourceOutcome {
  resolved?: ResolvedRequest;
}

const BODY_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export async function handleResource(
  deps: ResourceHandlerDeps,
  path: ResourcePath,
  req: IncomingMessage,
  res: ServerResponse,
  user: UserInfo,
  outcome: ResourceOutcome,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const contentType = bodyMediaType(header(req, 'content-type'));
  const resolved = resolveRequest(path, req.method ?? 'GET', url.searchParams, contentType, deps.index);
  if (!resolved.ok) {
    req.resume();
    sendStatus(res, failureStatus(resolved.code, resolved.message, resolved.code === 404 ? undefined : {}));
    return;
  }
  const r = resolved.request;
  outcome.resolved = r;
  const format = objectFormat(header(req, 'accept'));
  const includeObject = parseIncludeObject(r.query.get('includeObject'));
  if (includeObject === undefined) throw badRequest(`includeObject: Unsupported value: "${r.query.get('includeObject')}": supported values: "None", "Metadata", "Object"`);

  let body: unknown;
  if (BODY_VERBS.has(r.verb)) {
    const bytes = await readBody(req, deps.bodyLimitBytes);
    body = decodeBody(bytes, contentType, deps.decodeProtobuf);
    // Objects are JSON objects; connect subresources (exec, attach, portforward) come without a body.
    const needsObject = r.verb === 'update' || (r.verb === 'create' && (r.subresource === undefined || body !== undefined));
    if (needsObject) requireObject(body, `${r.verb} ${r.resource.resource}${r.subresource === undefined ? '' : `/${r.subresource}`}`);
    if ((r.verb === 'delete' || r.verb === 'deletecollection') && body !== undefined) requireObject(body, 'DeleteOptions');
  } else {
    req.resume();
  }

  const apiRequest: ApiRequest = {
    verb: r.verb,
    group: r.group,
    version: r.version,
    resource: r.resource.resource,
    ...(r.namespace === undefined ? {} : { namespace: r.namespace }),
    ...(r.name === undefined ? {} : { name: r.name }),
    ...(r.subresource === undefined ? {} : { subresource: r.subresource }),
    ...(r.proxyPath === undefined ? {} : { proxyPath: r.proxyPath }),
    query: r.query,
    ...(body === undefined ? {} : { body }),
    ...(r.patchType === undefined ? {} : { patchType: r.patchType }),
    user,
  };
  const core = deps.core();
  if (core === undefined) throw new ApiError(serviceUnavailableStatus('the API server is starting'));
  const result = await core.handle(apiRequest);
  if (result.kind === 'object') {
    sendJson(res, result.status, represent(r.resource, result.object as ApiObject, format, includeObject, deps.clock.now(), true));
    return;
  }
  // (req.destroyed says nothing here: a request is destroyed once its body has been read.)
  if (res.destroyed || res.socket === null || res.socket.destroyed) {
    result.cancel();
    return;
  }
  if (result.kind === 'text') {
    await streamText(res, result);
    return;
  }
  streamWatch(deps, r, req, res, result, format, includeObject);
}

/** pods/log: text/plain, written as the chunks come; the client going away cancels the source. */
async function streamText(res: ServerResponse, source: { chunks: AsyncIterable<string>; cancel(): void }): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.on('close', () => source.cancel());
  try {
    for await (const chunk of source.chunks) {
      if (res.destroyed) break;
      res.write(chunk);
    }
  } catch {
    // The kubelet went away mid-stream: the headers are out, so the log just ends (as Kubernetes').
  } finally {
    source.cancel();
    res.end();
  }
}

function streamWatch(
  deps: ResourceHandlerDeps,
  r: ResolvedRequest,
  req: IncomingMessage,
  res: ServerResponse,
  source: { events: AsyncIterable<WatchEvent>; cancel(): void },
  format: ObjectFormat,
  includeObject: IncludeObject,
): void {
  const timeoutSeconds = Number(r.query.get('timeoutSeconds') ?? '');
  const stopMetric = deps.onWatchStart(r);
  let tableColumnsSent = false;
  const stream = startWatchStream({
    res,
    source,
    clock: deps.clock,
    ...(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? { timeoutMs: timeoutSeconds * 1000 } : {}),
    encode: (event) => {
      if (event.type === 'ERROR') return event; // a Status
      if (event.type === 'BOOKMARK' && format.type === 'table') return { type: event.type, object: bookmarkTable(event.object as ApiObject, format.version) };
      const withColumns = format.type === 'table' && !tableColumnsSent;
      const object = represent(r.resource, event.object as ApiObject, format, includeObject, deps.clock.now(), withColumns);
      if (withColumns) tableColumnsSent = true;
      return { type: event.type, object };
    },
    onEvent: (event) => deps.onWatchEvent(r, event),
    onError: (err) => deps.onWatchError(r, err),
  });
  deps.watches.add(stream);
  void stream.done.finally(() => {
    deps.watches.delete(stream);
    stopMetric();
  });
}

/**
 * The object in the asked-for representation. Only the resource's own kind and list kind are
 * converted: a Status (delete), a Scale or an Eviction passes as it is.
 */
export function represent(
  resource: ResourceMeta,
  obj: ApiObject,
  format: ObjectFormat,
  includeObject: IncludeObject,
  nowMs: number,
  withColumns: boolean,
): unknown {
  if (format.type === 'object') return obj;
  const ours = obj.kind === undefined || obj.kind === resource.kind || obj.kind === resource.listKind;
  if (!ours) return obj;
  if (format.type === 'partial') return toPartial(obj, format.version);
  return toTable(resource, obj, { includeObject, version: format.version, nowMs, withColumns });
}

/** A bookmark only carries a resourceVersion: as a Table, it has no rows. */
function bookmarkTable(obj: ApiObject, version: string): unknown {
  const rv = obj.metadata?.['resourceVersion'];
  return { kind: 'Table', apiVersion: `meta.k8s.io/${version}`, metadata: rv === undefined ? {} : { resourceVersion: rv }, columnDefinitions: null, rows: [] };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
