// Adapter: the HTTP front of the API server, as one node:http request listener. Authenticates,
// routes (route.ts), answers the non-resource endpoints itself (version, health, metrics,
// discovery, OpenAPI) and hands resource requests to resource-handler.ts. Whatever happens
// below, the request gets a Kubernetes Status and the process goes on: an ApiError is answered
// with its own Status, anything else is a 500 InternalError and a log line.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@skiff/actors';
import { unauthorizedStatus } from '@skiff/apimachinery';
import type { Clock } from '@skiff/core';
import type { ApiCore } from '../core/index.js';
import { type Authenticator } from './authn.js';
import { BODY_LIMIT_BYTES, type ProtobufDecoder } from './body.js';
import { aggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { renderHealth, type HealthCheck } from './health.js';
import { metricVerb, type ApiMetrics, type RequestLabels } from './metrics.js';
import { AGGREGATED_DISCOVERY_V2, AGGREGATED_DISCOVERY_V2BETA1, discoveryFormat } from './negotiate.js';
import { OpenApiDocs, serveOpenApiV2 } from './openapi.js';
import { RegistryIndex, type Registry } from './registry.js';
import { handleResource, type ResourceOutcome } from './resource-handler.js';
import { sendJson, sendRawJson, sendStatus, sendText } from './respond.js';
import { parsePath, type Route } from './route.js';
import { failureStatus, statusOfError } from './status.js';
import type { WatchStream } from './watch-stream.js';

export interface HealthChecks {
  readonly livez: () => readonly HealthCheck[];
  readonly readyz: () => readonly HealthCheck[];
  readonly healthz: () => readonly HealthCheck[];
}

export interface HttpFrontOptions {
  /** The core, once it exists (the server listens before it creates the core). */
  readonly core: () => ApiCore | undefined;
  readonly registry: Registry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: ApiMetrics;
  readonly authenticator: Authenticator;
  readonly decodeProtobuf: ProtobufDecoder;
  readonly health: HealthChecks;
  /** The `/version` document. */
  readonly versionInfo: object;
  /** `host:port` clients reach this server at (APIVersions.serverAddressByClientCIDRs). */
  readonly serverAddress: () => string;
  readonly bodyLimitBytes?: number;
}

const NOT_FOUND = 'the server could not find the requested resource';

export class HttpFront {
  readonly index: RegistryIndex;
  private readonly openApi: OpenApiDocs;
  private readonly watches = new Set<WatchStream>();
  private readonly discoveryCache = new Map<string, string>();

  constructor(private readonly opts: HttpFrontOptions) {
    this.index = new RegistryIndex(opts.registry);
    this.openApi = new OpenApiDocs(this.index);
  }

  /** The request listener; never throws and never rejects. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    void this.handle(req, res);
  };

  get openWatches(): number {
    return this.watches.size;
  }

  /** Ends every open watch (shutdown); clients see their streams end and re-watch elsewhere. */
  async stopWatches(): Promise<void> {
    const all = [...this.watches];
    for (const w of all) w.stop();
    await Promise.all(all.map((w) => w.done));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const outcome: ResourceOutcome = {};
    let route: Route = { type: 'not-found' };
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      route = parsePath(url.pathname);
      const auth = this.opts.authenticator.authenticate(header(req, 'authorization'));
      if (!auth.ok) {
        req.resume();
        sendStatus(res, unauthorizedStatus('Unauthorized'));
        return;
      }
      if (route.type === 'resource') {
        await handleResource(this.resourceDeps(), route.path, req, res, auth.user, outcome);
        return;
      }
      req.resume();
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendStatus(res, failureStatus(405, 'the server does not allow this method on the requested resource', {}));
        return;
      }
      await this.handleNonResource(route, url.searchParams, req, res);
    } catch (err) {
      this.fail(req, res, err);
    } finally {
      this.observe(req, res, route, outcome, started);
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    const { status, expected } = statusOfError(err);
    if (!expected) this.opts.logger.error({ err, method: req.method, url: req.url }, 'request failed unexpectedly');
    if (!res.headersSent) {
      req.resume();
      sendStatus(res, status);
    } else if (!res.writableEnded) {
      res.end();
    }
  }

  private async handleNonResource(route: Route, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
    switch (route.type) {
      case 'version':
        // kubectl's dispatcher caches /version for hours unless told not to.
        return sendJson(res, 200, this.opts.versionInfo, { 'Cache-Control': 'no-cache, private' });
      case 'health': {
        const answer = renderHealth(route.check, this.opts.health[route.check](), query);
        return sendText(res, answer.code, answer.text, { 'Cache-Control': 'no-cache, private', 'X-Content-Type-Options': 'nosniff' });
      }
      case 'metrics': {
        const { contentType, text } = await this.opts.metrics.render();
        return sendText(res, 200, text, { 'Content-Type': contentType });
      }
      case 'openapi-v2':
        return serveOpenApiV2(this.openApi, req, res);
      case 'openapi-v3-index':
        return sendRawJson(res, 200, this.openApi.indexDocument(), { 'Cache-Control': 'no-cache, private' });
      case 'openapi-v3-doc':
        return this.openApiDocument(route.path, query, req, res);
      case 'api-versions':
      case 'api-groups':
        return this.discovery(route.type === 'api-versions', req, res);
      case 'api-group': {
        const doc = apiGroupDocument(this.index, route.group);
        return doc === undefined ? sendStatus(res, failureStatus(404, NOT_FOUND)) : sendJson(res, 200, doc);
      }
      case 'api-resources': {
        const doc = apiResourceList(this.index, route.group, route.version);
        return doc === undefined ? sendStatus(res, failureStatus(404, NOT_FOUND)) : sendJson(res, 200, doc);
      }
      case 'resource':
      case 'not-found':
        return sendStatus(res, failureStatus(404, NOT_FOUND));
    }
  }

  private discovery(core: boolean, req: IncomingMessage, res: ServerResponse): void {
    const format = discoveryFormat(header(req, 'accept'));
    if (format === 'legacy') {
      return sendJson(res, 200, core ? apiVersions(this.index, this.opts.serverAddress()) : apiGroupList(this.index));
    }
    const key = `${core}/${format}`;
    let json = this.discoveryCache.get(key);
    if (json === undefined) {
      json = JSON.stringify(aggregatedDiscovery(this.index, core, format));
      this.discoveryCache.set(key, json);
    }
    // kubectl falls back to "no resource type" unless the content type names the aggregated form exactly.
    return sendRawJson(res, 200, json, {
      'Content-Type': format === 'v2' ? AGGREGATED_DISCOVERY_V2 : AGGREGATED_DISCOVERY_V2BETA1,
      Vary: 'Accept',
    });
  }

  private openApiDocument(path: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const doc = this.openApi.document(path);
    if (doc === undefined) return sendStatus(res, failureStatus(404, NOT_FOUND));
    const etag = `"${doc.hash}"`;
    const hash = query.get('hash');
    if (hash !== null && hash !== doc.hash) {
      // kube-openapi handler3: a stale hash is sent to the current document.
      res.writeHead(301, { Location: this.openApi.serverRelativeUrl(path), 'Cache-Control': 'no-cache, private' });
      res.end();
      return;
    }
    const caching: Record<string, string> =
      hash === null
        ? { 'Cache-Control': 'no-cache, private' }
        : { 'Cache-Control': 'public, immutable', Expires: new Date(this.opts.clock.now() + 365 * 86_400_000).toUTCString() };
    if (header(req, 'if-none-match') === etag) {
      res.writeHead(304, { ETag: etag, ...caching });
      res.end();
      return;
    }
    sendRawJson(res, 200, doc.json, { ETag: etag, ...caching });
  }

  private resourceDeps(): Parameters<typeof handleResource>[0] {
    return {
      core: this.opts.core,
      index: this.index,
      clock: this.opts.clock,
      decodeProtobuf: this.opts.decodeProtobuf,
      bodyLimitBytes: this.opts.bodyLimitBytes ?? BODY_LIMIT_BYTES,
      watches: this.watches,
      onWatchStart: (r) => this.opts.metrics.watchStarted({ group: r.group, version: r.version, resource: r.resource.resource }),
      onWatchEvent: (r, e) => this.opts.metrics.watchEvent({ group: r.group, version: r.version, resource: r.resource.resource }, e.type),
      onWatchError: (r, err) => this.opts.logger.warn({ err, resource: r.resource.resource, namespace: r.namespace }, 'watch stream failed'),
    };
  }

  private observe(req: IncomingMessage, res: ServerResponse, route: Route, outcome: ResourceOutcome, startedMs: number): void {
    const r = outcome.resolved;
    const labels: RequestLabels =
      r === undefined
        ? { verb: req.method ?? 'GET', group: '', version: '', resource: '', subresource: '', scope: route.type === 'resource' ? 'resource' : 'nonResource' }
        : {
            verb: metricVerb(r.verb, r.patchType),
            group: r.group,
            version: r.version,
            resource: r.resource.resource,
            subresource: r.subresource ?? '',
            scope: r.namespace !== undefined ? 'namespace' : r.name !== undefined ? 'resource' : 'cluster',
          };
    const durationMs = performance.now() - startedMs;
    this.opts.metrics.observeRequest(labels, res.statusCode, durationMs / 1000);
    const line = { method: req.method, url: req.url, code: res.statusCode, durationMs: Math.round(durationMs * 10) / 10 };
    if (res.statusCode >= 500) this.opts.logger.warn(line, 'request');
    else this.opts.logger.debug(line, 'request');
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
