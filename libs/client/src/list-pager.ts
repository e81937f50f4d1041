// Adapter: a complete list in pages (client-go tools/pager). Every page after the first carries
// the continue token, which pins the list to the first page's resourceVersion, so the pages form
// one consistent snapshot. When the token expires mid-way (410), the pager falls back to one
// unpaged list, as client-go's does.

import type { ApiClient } from './api-client.js';
import { isResourceExpired } from './api-errors.js';
import type { ListWatchScope } from './reflector.js';
import type { ResourceRef } from './resources.js';
import type { KubeObject } from './types.js';

export interface ListSnapshot {
  readonly items: readonly KubeObject[];
  readonly resourceVersion: string;
}

const PAGES_MAX = 1_000_000;

export async function listAllPages(client: ApiClient, resource: ResourceRef, scope: ListWatchScope, pageSize: number): Promise<ListSnapshot> {
  const items: KubeObject[] = [];
  let page = await client.list(resource, { ...scope, limit: pageSize });
  const resourceVersion = page.metadata.resourceVersion ?? '';
  for (let n = 0; n < PAGES_MAX; n++) {
    items.push(...page.items);
    const token = page.metadata.continue;
    if (token === undefined || token === '') return { items, resourceVersion };
    try {
      page = await client.list(resource, { ...scope, limit: pageSize, continue: token });
    } catch (err) {
      if (!isResourceExpired(err)) throw err;
      const full = await client.list(resource, scope);
      return { items: full.items, resourceVersion: full.metadata.resourceVersion ?? '' };
    }
  }
  throw new Error(`list of ${resource.resource} did not end after ${PAGES_MAX} pages`);
}
