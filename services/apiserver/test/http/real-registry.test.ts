// The front over @skiff/api's real registry: what kubectl needs from discovery and OpenAPI is there
// (drain's pods/eviction in /api/v1, scale's autoscaling/v1 Scale, a document for every group-version
// with components and a patch operation per kind).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@skiff/actors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRegistry, decodeProtobufBody } from '../../src/defaults.js';
import { startApiServer, type ApiServer } from '../../src/server.js';
import { FakeCore } from '../support/fake-core.js';
import { call } from '../support/http-client.js';

let dir: string;
let server: ApiServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-apiserver-registry-'));
  server = await startApiServer({ core: new FakeCore(), registry: apiRegistry, decodeProtobuf: decodeProtobufBody, dataDir: dir, port: 0, insecureHttp: true, logger: silentLogger() });
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('discovery and OpenAPI over the real registry', () => {
  it('lists the subresources drain and scale look for', async () => {
    const v1 = (await call(server, '/api/v1')).json();
    expect(v1.resources).toContainEqual(expect.objectContaining({ name: 'pods/eviction', group: 'policy', version: 'v1', kind: 'Eviction' }));
    expect(v1.resources).toContainEqual(expect.objectContaining({ name: 'pods', shortNames: ['po'], categories: ['all'] }));
    const apps = (await call(server, '/apis/apps/v1')).json();
    expect(apps.resources).toContainEqual(expect.objectContaining({ name: 'deployments/scale', group: 'autoscaling', version: 'v1', kind: 'Scale' }));
  });

  it('serves an OpenAPI document for every group-version of the index, with a patch operation per kind', async () => {
    const index = (await call(server, '/openapi/v3')).json();
    const groups = (await call(server, '/apis')).json().groups.flatMap((g: { versions: { groupVersion: string }[] }) => g.versions.map((v) => `apis/${v.groupVersion}`));
    expect(Object.keys(index.paths).sort()).toEqual(['api/v1', ...groups].sort());
    for (const [path, { serverRelativeURL }] of Object.entries(index.paths as Record<string, { serverRelativeURL: string }>)) {
      const doc = (await call(server, serverRelativeURL)).json();
      expect(Object.keys(doc.components.schemas).length, path).toBeGreaterThan(0);
      // kubectl's apply needs a patch operation (with its GVK) for every kind that can be patched.
      const patched = new Set(
        Object.values(doc.paths as Record<string, { patch?: { 'x-kubernetes-group-version-kind'?: { kind: string } } }>)
          .map((p) => p.patch?.['x-kubernetes-group-version-kind']?.kind)
          .filter((k): k is string => k !== undefined),
      );
      const [group, version] = path === 'api/v1' ? ['', 'v1'] : path.split('/').slice(1);
      const patchable = apiRegistry.resources.filter((r) => r.group === group && r.version === version && r.verbs.includes('patch')).map((r) => r.kind);
      for (const kind of patchable) expect(patched.has(kind), `${path} ${kind}`).toBe(true);
    }
  });
});
