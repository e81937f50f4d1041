// kubectl 1.32 validates a `kind: List` on the client with the OpenAPI v2 document (fieldValidation
// is asked of v3 per kind, and v1/List has none), fetched as gnostic protobuf from /openapi/v2.
// The real kubectl against the real API server: Lists apply and create, a List with an unknown field
// is refused as kubectl refuses it, --validate=false skips that, and explain reads v2.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from './cluster.js';

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster();
}, 120_000);

afterAll(async () => {
  await c?.stop();
}, 60_000);

const T = 90_000;

async function ok(args: string[], input?: string): Promise<string> {
  const r = await c.kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\n(server log: ${c.logFile})`);
  return r.stdout;
}

const list = (a: string, b: string, extra = ''): string => `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: ${a}
  data:
    key: one
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: ${b}
  data:
    key: two
${extra}`;

const names = async (...cms: string[]): Promise<string[]> => {
  const out = await ok(['get', 'configmaps', ...cms, '-o', 'jsonpath={.items[*].metadata.name}']);
  return out.split(' ').filter((s) => s !== '').sort();
};

describe('kubectl with /openapi/v2', () => {
  it('apply -f of a List of two ConfigMaps creates both, and applies it again unchanged', async () => {
    const out = await ok(['apply', '-f', '-'], list('list-a1', 'list-a2'));
    expect(out).toContain('configmap/list-a1 created');
    expect(out).toContain('configmap/list-a2 created');
    expect(await names('list-a1', 'list-a2')).toEqual(['list-a1', 'list-a2']);
    const again = await ok(['apply', '-f', '-'], list('list-a1', 'list-a2'));
    expect(again).toContain('configmap/list-a1 unchanged');
  }, T);

  it('create -f of a List creates both', async () => {
    const out = await ok(['create', '-f', '-'], list('list-c1', 'list-c2'));
    expect(out).toContain('configmap/list-c1 created');
    expect(out).toContain('configmap/list-c2 created');
    expect(await names('list-c1', 'list-c2')).toEqual(['list-c1', 'list-c2']);
  }, T);

  it('refuses a List whose item has an unknown field, naming it as kubectl does, and creates nothing', async () => {
    const bad = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: list-bad1
  spec: {}
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: list-bad2
  dataa:
    key: x
`;
    for (const verb of ['apply', 'create']) {
      const r = await c.kubectl([verb, '-f', '-'], bad);
      expect(r.code, r.stdout).not.toBe(0);
      expect(r.stderr).toContain('error validating data');
      expect(r.stderr).toContain('ValidationError(ConfigMap): unknown field "spec" in io.k8s.api.core.v1.ConfigMap');
      expect(r.stderr).toContain('unknown field "dataa" in io.k8s.api.core.v1.ConfigMap');
      expect(r.stderr).toContain('--validate=false');
    }
    const got = await c.kubectl(['get', 'configmap', 'list-bad1', 'list-bad2', '--ignore-not-found', '-o', 'name']);
    expect(got.stdout.trim()).toBe('');
  }, T);

  it('refuses a wrong type in a List item', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], list('list-t1', 'list-t2').replace('data:\n    key: one', 'immutable: "yes"'));
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.stderr).toMatch(/invalid type for io\.k8s\.api\.core\.v1\.ConfigMap\.immutable: got "string", expected "boolean"/);
  }, T);

  it('validates and applies a List of what kubectl generates (nulls, empty structs, quantities as numbers, int-or-string ports)', async () => {
    const dep = await ok(['create', 'deployment', 'list-web', '--image=nginx', '--port=80', '--dry-run=client', '-o', 'yaml']);
    const svc = await ok(['create', 'service', 'clusterip', 'list-web', '--tcp=80:8080', '--dry-run=client', '-o', 'yaml']);
    const item = (yaml: string): string => yaml.split('\n').map((l, i) => (l === '' ? l : i === 0 ? `- ${l}` : `  ${l}`)).join('\n');
    const withProbe = item(dep).replace(
      /^( +)resources: \{\}$/m,
      (_m, pad: string) => `${pad}resources:\n${pad}  limits:\n${pad}    cpu: 1\n${pad}    memory: 64Mi\n${pad}readinessProbe:\n${pad}  httpGet:\n${pad}    path: /\n${pad}    port: 80`,
    );
    expect(withProbe).toContain('cpu: 1');
    const out = await ok(['apply', '-f', '-'], `apiVersion: v1\nkind: List\nitems:\n${withProbe}\n${item(svc)}\n`);
    expect(out).toContain('deployment.apps/list-web created');
    expect(out).toContain('service/list-web created');
  }, T);

  it('apply --validate=false skips client validation of a List', async () => {
    const out = await ok(['apply', '--validate=false', '-f', '-'], list('list-v1', 'list-v2'));
    expect(out).toContain('configmap/list-v1 created');
    expect(await names('list-v1', 'list-v2')).toEqual(['list-v1', 'list-v2']);
  }, T);

  it('explain --output=plaintext-openapiv2 reads the v2 document', async () => {
    const out = await ok(['explain', 'configmap', '--output=plaintext-openapiv2']);
    expect(out).toMatch(/KIND:\s+ConfigMap/);
    expect(out).toMatch(/VERSION:\s+v1/);
    expect(out).toContain('binaryData');
    const containers = await ok(['explain', 'pods.spec.containers', '--output=plaintext-openapiv2']);
    expect(containers).toMatch(/RESOURCE:\s+containers/);
    expect(containers).toContain('image');
  }, T);
});
