// Pure: content negotiation. Kubernetes clients name the representation they want with media type
// parameters (`application/json;as=Table;v=v1;g=meta.k8s.io`), listed in preference order; the
// server answers with the first one it can produce. Skiff always answers JSON: a protobuf-only
// preference gets JSON too (kubectl lists JSON after protobuf, and accepts it everywhere).

export interface MediaType {
  /** `application/json`, lower case, without parameters. */
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

export function parseMediaTypes(header: string | undefined): MediaType[] {
  if (header === undefined || header.trim() === '') return [];
  return header
    .split(',')
    .map((part) => parseMediaType(part))
    .filter((m): m is MediaType => m !== undefined);
}

export function parseMediaType(text: string): MediaType | undefined {
  const [head, ...rest] = text.split(';');
  const type = head?.trim().toLowerCase() ?? '';
  if (type === '') return undefined;
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { type, params };
}

/** The media type of a request body without parameters (`application/json; charset=utf-8` -> `application/json`). */
export function bodyMediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return parseMediaType(contentType)?.type;
}

export const AGGREGATED_DISCOVERY_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_DISCOVERY_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

const JSONISH = new Set(['application/json', '*/*', 'application/*']);

/** Aggregated discovery when the client prefers it over the legacy documents. */
export function discoveryFormat(accept: string | undefined): 'v2' | 'v2beta1' | 'legacy' {
  for (const m of parseMediaTypes(accept)) {
    if (m.type === 'application/json' && m.params['g'] === 'apidiscovery.k8s.io' && m.params['as'] === 'APIGroupDiscoveryList') {
      if (m.params['v'] === 'v2') return 'v2';
      if (m.params['v'] === 'v2beta1') return 'v2beta1';
      continue;
    }
    if (JSONISH.has(m.type) && m.params['as'] === undefined) return 'legacy';
  }
  return 'legacy';
}

export type ObjectFormat =
  | { readonly type: 'object' }
  | { readonly type: 'table'; readonly version: 'v1' | 'v1beta1' }
  | { readonly type: 'partial'; readonly version: 'v1' | 'v1beta1' };

/** How to represent objects and lists: as they are, as a Table, or as PartialObjectMetadata. */
export function objectFormat(accept: string | undefined): ObjectFormat {
  for (const m of parseMediaTypes(accept)) {
    if (m.type !== 'application/json') {
      if (JSONISH.has(m.type)) return { type: 'object' };
      continue; // protobuf, yaml, cbor: not produced; a later JSON entry decides
    }
    const as = m.params['as'];
    if (as === undefined) return { type: 'object' };
    if (m.params['g'] !== 'meta.k8s.io') continue;
    const version = m.params['v'];
    if (version !== 'v1' && version !== 'v1beta1') continue;
    if (as === 'Table') return { type: 'table', version };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { type: 'partial', version };
  }
  return { type: 'object' };
}
