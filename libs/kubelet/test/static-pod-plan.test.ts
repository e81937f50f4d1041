import { describe, expect, it } from 'vitest';
import { ConfigSourceAnnotationKey, parseManifestList, planStaticPods, StaticPodManifestError } from '../src/index.js';

const podYaml = (name: string, image = 'busybox'): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: c\n    image: ${image}\n`;
const URL = 'http://127.0.0.1:9/manifest';

describe('parseManifestList', () => {
  it('reads one Pod, with the node suffix and the http source', () => {
    const pods = parseManifestList(podYaml('web'), URL, 'node-1', { configSource: 'http' });
    expect([...pods.keys()]).toEqual(['default/web-node-1']);
    expect(pods.get('default/web-node-1')?.metadata.annotations?.[ConfigSourceAnnotationKey]).toBe('http');
  });

  it('reads a PodList and a v1 List', () => {
    const list = (kind: string): string => JSON.stringify({ kind, apiVersion: 'v1', items: [JSON.parse(JSON.stringify({ kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'i' }] } })), { kind: 'Pod', metadata: { name: 'b', namespace: 'kube-system' }, spec: { containers: [{ name: 'c', image: 'i' }] } }] });
    expect([...parseManifestList(list('PodList'), URL, 'n').keys()]).toEqual(['default/a-n', 'kube-system/b-n']);
    expect([...parseManifestList(list('List'), URL, 'n').keys()]).toEqual(['default/a-n', 'kube-system/b-n']);
  });

  it('treats an empty body as no pods, as Kubernetes does', () => {
    expect(parseManifestList('  \n', URL, 'n').size).toBe(0);
  });

  it('rejects duplicates and bad items as a whole', () => {
    const dup = JSON.stringify({ kind: 'PodList', items: [{ kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'i' }] } }, { kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'j' }] } }] });
    expect(() => parseManifestList(dup, URL, 'n')).toThrow(StaticPodManifestError);
    expect(() => parseManifestList(JSON.stringify({ kind: 'PodList', items: 3 }), URL, 'n')).toThrow(/items/);
    expect(() => parseManifestList('kind: Service\n', URL, 'n')).toThrow(/want "Pod"/);
  });
});

describe('planStaticPods', () => {
  it('starts new pods, stops gone ones and replaces changed ones', () => {
    const v1 = parseManifestList(podYaml('a'), URL, 'n');
    const both = new Map([...v1, ...parseManifestList(podYaml('b'), URL, 'n')]);
    const changed = new Map([...parseManifestList(podYaml('a', 'nginx'), URL, 'n')]);
    const first = planStaticPods(new Map(), both);
    expect(first.start.map((s) => s.key)).toEqual(['default/a-n', 'default/b-n']);
    expect(first.stop).toEqual([]);
    const second = planStaticPods(both, changed);
    expect(second.stop.map((s) => s.key).sort()).toEqual(['default/a-n', 'default/b-n']);
    expect(second.start.map((s) => s.key)).toEqual(['default/a-n']);
    expect(second.start[0]?.pod.metadata.uid).not.toBe(both.get('default/a-n')?.metadata.uid);
    const same = planStaticPods(changed, new Map(changed));
    expect(same).toEqual({ start: [], stop: [], keep: [{ key: 'default/a-n', pod: changed.get('default/a-n') }] });
  });
});
