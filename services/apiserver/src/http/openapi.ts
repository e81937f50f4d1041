// OpenAPI v3 as kube-openapi's handler3 serves it: `/openapi/v3` lists every group-version with a
// server-relative URL carrying the document's hash; `/openapi/v3/<path>?hash=<H>` is immutable and
// cached by clients for a year (kubectl keeps it under ~/.kube/cache); a stale hash redirects to
// the current one; ETag / If-None-Match answer 304. Documents are built once, on first use.
//
// OpenAPI v2 as kube-openapi's handler serves it: one Swagger 2.0 document at `/openapi/v2`, JSON or
// gnostic protobuf by Accept (client-go's OpenAPISchema() accepts only the protobuf), Vary: Accept,
// an ETag per encoding. kubectl reads it to validate a `kind: List` on the client and for
// `explain --output=plaintext-openapiv2`. It is derived from the v3 documents (@skiff/api v2.ts).

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { kubernetesVersion, openApiV2FromV3 } from '@skiff/api';
import { encodeOpenApiV2Document, OPENAPI_V2_PROTOBUF_ACCEPT, OPENAPI_V2_PROTOBUF_CONTENT_TYPE, type JsonObject } from '@skiff/protobuf';
import type { RegistryIndex } from './registry.js';

export interface OpenApiDocument {
  readonly json: string;
  /** Upper-case hex SHA-512 of `json`, as kube-openapi computes it. */
  readonly hash: string;
}

/** One encoding of the v2 document: its bytes, content type and ETag (a hash of the bytes). */
export interface OpenApiV2Body {
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly etag: string;
}

export class OpenApiDocs {
  private readonly docs = new Map<string, OpenApiDocument>();
  private indexJson: string | undefined;
  private v2: { readonly json: OpenApiV2Body; readonly protobuf: OpenApiV2Body } | undefined;

  constructor(private readonly index: RegistryIndex) {}

  /** `api/v1`, `apis/apps/v1`, ... for every group-version of the registry. */
  paths(): string[] {
    const out: string[] = [];
    for (const [group, versions] of this.index.groups) {
      for (const v of versions) out.push(group === '' ? `api/${v}` : `apis/${group}/${v}`);
    }
    return out;
  }

  /** The document at `path` (`api/v1`, `apis/apps/v1`), or undefined for a group-version we do not serve. */
  document(path: string): OpenApiDocument | undefined {
    const cached = this.docs.get(path);
    if (cached !== undefined) return cached;
    const gv = parseGroupVersionPath(path);
    if (gv === undefined || !this.index.hasGroupVersion(gv.group, gv.version)) return undefined;
    const json = JSON.stringify(this.index.registry.openApiV3Document(gv.group, gv.version));
    const doc = { json, hash: createHash('sha512').update(json).digest('hex').toUpperCase() };
    this.docs.set(path, doc);
    return doc;
  }

  indexDocument(): string {
    if (this.indexJson === undefined) {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const path of this.paths()) paths[path] = { serverRelativeURL: this.serverRelativeUrl(path) };
      this.indexJson = JSON.stringify({ paths });
    }
    return this.indexJson;
  }

  /** The /openapi/v2 document in one encoding; both are built together, once. */
  v2Document(format: OpenApiV2Format): OpenApiV2Body {
    if (this.v2 === undefined) {
      const v3 = this.paths().map((path) => JSON.parse(this.document(path)!.json) as object);
      const doc = openApiV2FromV3(v3, { title: 'Kubernetes', version: kubernetesVersion }) as JsonObject;
      this.v2 = {
        json: v2Body(Buffer.from(JSON.stringify(doc)), 'application/json'),
        protobuf: v2Body(encodeOpenApiV2Document(doc), OPENAPI_V2_PROTOBUF_CONTENT_TYPE),
      };
    }
    return this.v2[format];
  }

  serverRelativeUrl(path: string): string {
    const doc = this.document(path);
    return doc === undefined ? `/openapi/v3/${path}` : `/openapi/v3/${path}?hash=${doc.hash}`;
  }
}

function parseGroupVersionPath(path: string): { group: string; version: string } | undefined {
  const parts = path.split('/');
  if (parts.length === 2 && parts[0] === 'api') return { group: '', version: parts[1]! };
  if (parts.length === 3 && parts[0] === 'apis') return { group: parts[1]!, version: parts[2]! };
  return undefined;
}

function v2Body(body: Uint8Array, contentType: string): OpenApiV2Body {
  return { body, contentType, etag: `"${createHash('sha512').update(body).digest('hex').toUpperCase()}"` };
}

export type OpenApiV2Format = 'json' | 'protobuf';

const V2_MEDIA_TYPES: readonly { type: string; format: OpenApiV2Format }[] = [
  { type: 'application/json', format: 'json' },
  { type: OPENAPI_V2_PROTOBUF_ACCEPT, format: 'protobuf' },
  { type: OPENAPI_V2_PROTOBUF_CONTENT_TYPE, format: 'protobuf' },
];

/**
 * The encoding an Accept header asks for, as kube-openapi picks it: clauses by descending q, the
 * first one matching (wildcards included) wins; no header means any; undefined means 406.
 */
export function negotiateOpenApiV2(accept: string | undefined): OpenApiV2Format | undefined {
  const clauses = (accept === undefined || accept.trim() === '' ? '*/*' : accept)
    .split(',')
    .map((clause, order) => {
      const [range = '', ...params] = clause.split(';').map((p) => p.trim());
      const q = params.find((p) => p.startsWith('q='));
      return { range: range.toLowerCase(), q: q === undefined ? 1 : Number(q.slice(2)), order };
    })
    .filter((c) => c.range !== '' && c.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { range } of clauses) {
    const [type = '', subtype = ''] = range.split('/');
    const match = V2_MEDIA_TYPES.find((m) => {
      const [mt, ms] = m.type.split('/');
      return (type === '*' || type === mt) && (subtype === '*' || subtype === ms);
    });
    if (match !== undefined) return match.format;
  }
  return undefined;
}

/** GET /openapi/v2. */
export function serveOpenApiV2(docs: OpenApiDocs, req: IncomingMessage, res: ServerResponse): void {
  const accept = req.headers.accept;
  const format = negotiateOpenApiV2(Array.isArray(accept) ? accept.join(',') : accept);
  if (format === undefined) {
    res.writeHead(406, { 'Content-Type': 'text/plain; charset=utf-8', Vary: 'Accept' });
    res.end('406 Not Acceptable');
    return;
  }
  const doc = docs.v2Document(format);
  const headers = { 'Content-Type': doc.contentType, ETag: doc.etag, Vary: 'Accept', 'Cache-Control': 'no-cache, private' };
  if (req.headers['if-none-match'] === doc.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(doc.body.length) });
  res.end(req.method === 'HEAD' ? undefined : doc.body);
}
