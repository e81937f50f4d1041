/* eslint-disable @typescript-eslint/no-explicit-any -- parsed JSON in tests: the assertions check its shape */
// The real kubectl 1.32 against the real API server over real NATS with a real 3-member store.
// Each test drives kubectl as a person would and checks what kubectl prints, then what the API
// holds. One cluster for the file: tests use their own object names.

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

async function fails(args: string[], input?: string): Promise<string> {
  const r = await c.kubectl(args, input);
  expect(r.code, `kubectl ${args.join(' ')} should fail; stdout: ${r.stdout}`).not.toBe(0);
  return r.stderr;
}

async function json(args: string[]): Promise<any> {
  return JSON.parse(await ok([...args, '-o', 'json']));
}

const podYaml = (name: string, labels = 'app: web') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    ${labels}
spec:
  containers:
  - name: main
    image: nginx:1.27
`;

const configMapYaml = (name: string, value: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
  key: "${value}"
`;

describe('discovery', () => {
  it('kubectl version and api-resources list the served kinds with short names and groups', async () => {
    expect(await ok(['version'])).toMatch(/Server Version: v1\.32\./);
    const out = await ok(['api-resources']);
    expect(out).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(out).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    expect(out).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(out).toMatch(/^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m);
  }, T);

  it('serves metrics: requests by verb, resource and code, and store latency', async () => {
    await ok(['create', 'configmap', 'metered', '--from-literal=a=b']);
    const text = await ok(['get', '--raw', '/metrics']);
    expect(text).toMatch(/apiserver_request_total\{verb="POST",group="",version="v1",resource="configmaps",subresource="",scope="namespace",code="201"\} [1-9]/);
    expect(text).toMatch(/etcd_request_duration_seconds_count\{operation="create",type="configmaps"\} [1-9]/);
    expect(await ok(['get', '--raw', '/readyz?verbose'])).toContain('readyz check passed');
  }, T);

  it('explain reads the OpenAPI v3 documents', async () => {
    const out = await ok(['explain', 'pods.spec.containers']);
    expect(out).toContain('KIND:');
    expect(out).toContain('Pod');
    expect(out).toMatch(/FIELD:\s+containers/);
  }, T);
});

describe('create and get', () => {
  it('create -f, then get as table, wide, yaml, by label, by field and across namespaces', async () => {
    expect(await ok(['create', '-f', '-'], podYaml('web-1'))).toContain('pod/web-1 created');
    expect(await ok(['create', '-f', '-'], podYaml('db-1', 'app: db'))).toContain('pod/db-1 created');

    const table = await ok(['get', 'pods']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(table).toMatch(/^web-1\s+0\/1\s+Pending\s+0\s+\d+s$/m);

    const wide = await ok(['get', 'pods', '-o', 'wide']);
    expect(wide.split('\n')[0]).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);

    const yaml = await ok(['get', 'pod', 'web-1', '-o', 'yaml']);
    expect(yaml).toContain('kind: Pod');
    expect(yaml).toContain('name: web-1');
    expect(yaml).toMatch(/resourceVersion: "\d+"/);

    const byLabel = await ok(['get', 'pods', '-l', 'app=db']);
    expect(byLabel).toContain('db-1');
    expect(byLabel).not.toContain('web-1');

    const byField = await ok(['get', 'pods', '--field-selector', 'metadata.name=web-1']);
    expect(byField).toContain('web-1');
    expect(byField).not.toContain('db-1');

    const all = await ok(['get', 'pods', '-A']);
    expect(all.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY/);
    expect(all).toMatch(/^default\s+web-1\s+/m);

    const labels = await ok(['get', 'pods', '--show-labels']);
    expect(labels).toMatch(/web-1\s+.*app=web/);

    expect(await ok(['get', 'namespaces'])).toMatch(/^kube-system\s+Active\s+/m);
  }, T);

  it('create deployment / configmap / namespace (protobuf bodies) and scale', async () => {
    expect(await ok(['create', 'namespace', 'team-a'])).toContain('namespace/team-a created');
    expect(await ok(['create', 'configmap', 'lit', '--from-literal=a=1', '-n', 'team-a'])).toContain('configmap/lit created');
    expect((await json(['get', 'configmap', 'lit', '-n', 'team-a'])).data).toEqual({ a: '1' });
    expect(await ok(['create', 'deployment', 'api', '--image=nginx:1.27', '--replicas=2'])).toContain('deployment.apps/api created');
    const deploy = await json(['get', 'deployment', 'api']);
    expect(deploy.spec.replicas).toBe(2);
    expect(deploy.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(await ok(['scale', 'deployment', 'api', '--replicas=4'])).toContain('deployment.apps/api scaled');
    expect((await json(['get', 'deployment', 'api'])).spec.replicas).toBe(4);
    expect(await ok(['get', 'deployments'])).toMatch(/^api\s+0\/4\s+/m);
  }, T);
});

describe('apply', () => {
  it('client-side apply creates, configures, and leaves unchanged objects alone', async () => {
    expect(await ok(['apply', '-f', '-'], configMapYaml('csa', 'one'))).toContain('configmap/csa created');
    const created = await json(['get', 'configmap', 'csa']);
    expect(created.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"one"');
    expect(await ok(['apply', '-f', '-'], configMapYaml('csa', 'two'))).toContain('configmap/csa configured');
    expect((await json(['get', 'configmap', 'csa'])).data.key).toBe('two');
    expect(await ok(['apply', '-f', '-'], configMapYaml('csa', 'two'))).toContain('configmap/csa unchanged');
  }, T);

  it('server-side apply creates and updates, and reports a conflict with another manager', async () => {
    expect(await ok(['apply', '--server-side', '-f', '-'], configMapYaml('ssa', 'one'))).toContain('configmap/ssa serverside-applied');
    const obj = await json(['get', 'configmap', 'ssa', '--show-managed-fields']);
    expect(obj.metadata.managedFields.map((m: { manager: string }) => m.manager)).toContain('kubectl');
    expect(await ok(['apply', '--server-side', '-f', '-'], configMapYaml('ssa', 'two'))).toContain('configmap/ssa serverside-applied');
    // Another manager takes the field; kubectl's apply of a different value then conflicts.
    await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], configMapYaml('ssa', 'three'));
    const err = await fails(['apply', '--server-side', '-f', '-'], configMapYaml('ssa', 'four'));
    expect(err).toContain('Apply failed with 1 conflict');
    expect(err).toContain('conflict with "other"');
    expect(err).toContain('.data.key');
    expect(await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], configMapYaml('ssa', 'four'))).toContain('serverside-applied');
    expect((await json(['get', 'configmap', 'ssa'])).data.key).toBe('four');
  }, T);
});

describe('change', () => {
  it('label, annotate and patch (strategic, merge, json) a deployment', async () => {
    await ok(['create', 'deployment', 'patchme', '--image=nginx:1.27']);
    expect(await ok(['label', 'deployment', 'patchme', 'tier=front'])).toContain('deployment.apps/patchme labeled');
    expect(await ok(['annotate', 'deployment', 'patchme', 'note=hello'])).toContain('deployment.apps/patchme annotated');
    let d = await json(['get', 'deployment', 'patchme']);
    expect(d.metadata.labels).toEqual({ app: 'patchme', tier: 'front' });
    expect(d.metadata.annotations.note).toBe('hello');
    expect(await ok(['label', 'deployment', 'patchme', 'tier-'])).toContain('deployment.apps/patchme unlabeled');

    expect(await ok(['patch', 'deployment', 'patchme', '-p', '{"spec":{"minReadySeconds":5}}'])).toContain('deployment.apps/patchme patched');
    expect(await ok(['patch', 'deployment', 'patchme', '--type=merge', '-p', '{"metadata":{"labels":{"merged":"yes"}}}'])).toContain('patched');
    expect(await ok(['patch', 'deployment', 'patchme', '--type=json', '-p', '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.28"}]'])).toContain('patched');
    d = await json(['get', 'deployment', 'patchme']);
    expect(d.spec.minReadySeconds).toBe(5);
    expect(d.metadata.labels).toEqual({ app: 'patchme', merged: 'yes' });
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.28');
    // Strategic merge patch merges container lists by name: the sidecar joins, main stays.
    await ok(['patch', 'deployment', 'patchme', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}}}']);
    const names = (await json(['get', 'deployment', 'patchme'])).spec.template.spec.containers.map((x: { name: string }) => x.name);
    expect(names.sort()).toEqual(['nginx', 'sidecar']);
  }, T);

  it('label and patch a pod (metadata and the mutable spec fields)', async () => {
    await ok(['create', '-f', '-'], podYaml('patchpod'));
    expect(await ok(['label', 'pod', 'patchpod', 'tier=front'])).toContain('pod/patchpod labeled');
    expect(await ok(['patch', 'pod', 'patchpod', '-p', '{"spec":{"activeDeadlineSeconds":100}}'])).toContain('pod/patchpod patched');
    const pod = await json(['get', 'pod', 'patchpod']);
    expect(pod.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(pod.spec.activeDeadlineSeconds).toBe(100);
  }, T);

  it('replace -f, and 409 for a replace from a stale resourceVersion', async () => {
    await ok(['create', '-f', '-'], configMapYaml('rep', 'one'));
    const current = await json(['get', 'configmap', 'rep']);
    const staleRv = current.metadata.resourceVersion;
    current.data.key = 'two';
    expect(await ok(['replace', '-f', '-'], JSON.stringify(current))).toContain('configmap/rep replaced');
    const stale = { ...current, data: { key: 'three' }, metadata: { ...current.metadata, resourceVersion: staleRv } };
    const err = await fails(['replace', '-f', '-'], JSON.stringify(stale));
    expect(err).toContain('Error from server (Conflict)');
    expect(err).toContain('the object has been modified; please apply your changes to the latest version and try again');
    expect((await json(['get', 'configmap', 'rep'])).data.key).toBe('two');
  }, T);

  it('422 for an invalid pod names the field', async () => {
    const bad = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers: []\n';
    const err = await fails(['create', '-f', '-'], bad);
    expect(err).toContain('The Pod "bad" is invalid');
    expect(err).toContain('spec.containers: Required value');
    expect(await fails(['get', 'pod', 'bad'])).toContain('Error from server (NotFound): pods "bad" not found');
  }, T);

  it('describe prints the object', async () => {
    await ok(['create', '-f', '-'], podYaml('described'));
    const out = await ok(['describe', 'pod', 'described']);
    expect(out).toMatch(/^Name:\s+described$/m);
    expect(out).toMatch(/^Namespace:\s+default$/m);
    expect(out).toMatch(/Image:\s+nginx:1\.27/);
  }, T);
});

describe('watch', () => {
  it('get -w prints the listing, then a later change', async () => {
    await ok(['create', '-f', '-'], configMapYaml('watched', 'one'));
    const watch = c.kubectlStream(['get', 'configmaps', '--watch']);
    try {
      await watch.waitFor((out) => /^watched\s+1\s+/m.test(out));
      await ok(['label', 'configmap', 'watched', 'seen=yes']);
      await ok(['create', '-f', '-'], configMapYaml('watched-2', 'x'));
      const out = await watch.waitFor((o) => /^watched-2\s+1\s+/m.test(o));
      // The label change is a MODIFIED event: `watched` printed a second time.
      expect(out.match(/^watched\s+/gm)?.length).toBeGreaterThanOrEqual(2);
    } finally {
      await watch.stop();
    }
  }, T);
});

describe('delete', () => {
  it('deletes with background, orphan and foreground propagation', async () => {
    for (const name of ['del-bg', 'del-orphan', 'del-fg']) await ok(['create', 'configmap', name, '--from-literal=a=b']);
    expect(await ok(['delete', 'configmap', 'del-bg'])).toContain('configmap "del-bg" deleted');
    expect(await fails(['get', 'configmap', 'del-bg'])).toContain('Error from server (NotFound): configmaps "del-bg" not found');
    // Orphan and Foreground leave the object with a finalizer for the garbage collector (a
    // controller of its own, not part of the API server): kubectl must not wait for it here.
    expect(await ok(['delete', 'configmap', 'del-orphan', '--cascade=orphan', '--wait=false'])).toContain('configmap "del-orphan" deleted');
    expect(await ok(['delete', 'configmap', 'del-fg', '--cascade=foreground', '--wait=false'])).toContain('configmap "del-fg" deleted');
    const orphan = await json(['get', 'configmap', 'del-orphan']);
    expect(orphan.metadata.deletionTimestamp).toBeDefined();
    expect(orphan.metadata.finalizers).toContain('orphan');
    const fg = await json(['get', 'configmap', 'del-fg']);
    expect(fg.metadata.finalizers).toContain('foregroundDeletion');
    expect(await fails(['delete', 'configmap', 'nothing-here'])).toContain('Error from server (NotFound): configmaps "nothing-here" not found');
  }, T);

  it('deletes by label selector', async () => {
    await ok(['create', '-f', '-'], podYaml('sel-1', 'group: sel'));
    await ok(['create', '-f', '-'], podYaml('sel-2', 'group: sel'));
    const out = await ok(['delete', 'pods', '-l', 'group=sel', '--wait=false']);
    expect(out).toContain('pod "sel-1" deleted');
    expect(out).toContain('pod "sel-2" deleted');
  }, T);
});
