// OpenAPI v3 as kube-openapi's handler3 serves it: `/openapi/v3` lists every group-version with a
// server-relative URL carrying the document's hash; `/openapi/v3/<path>?hash=<H>` is immutable and
// cached by clients for a year (kubectl keeps it under ~/.kube/cache); a stale hash redirects to
// the current one; ETag / If-None-Match answer 304. Documents are built once, on first use.

import { createHash } from 'node:crypto';
import type { RegistryIndex } from './registry.js';

export interface OpenApiDocument {
  readonly json: string;
  /** Upper-case hex SHA-512 of `json`, as kube-openapi computes it. */
  readonly hash: string;
}

export class OpenApiDocs {
  private readonly docs = new Map<string, OpenApiDocument>();
  private indexJson: string | undefined;

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
