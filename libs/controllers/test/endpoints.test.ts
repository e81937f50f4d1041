import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Endpoints, Pod, Service } from '@skiff/api';
import { SeededRandom } from '@skiff/core';
import { Resources, listerOf, syncEndpointSlices, syncEndpoints } from '../src/index.js';
import { FakeCluster } from './fake-cluster.js';
import { objectOf, pod, service } from './fixtures.js';

const web = { app: 'web' };
const httpPort = [{ name: 'http', containerPort: 8080, protocol: 'TCP' as const }];
const ports = [
  { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' as const },
  { name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP' as const },
];
const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `pod-${name}` });
const sync = (svc: Service[], pods: Pod[], eps: Endpoints[] = []) => syncEndpoints('default/web', { services: listerOf(svc), pods: listerOf(pods), endpoints: listerOf(eps) });

describe('Endpoints', () => {
  it('lists ready pods in addresses and unready ones in notReadyAddresses, with named ports resolved', () => {
    const pods = [
      pod('a', { labels: web, ready: true, ip: '10.0.0.1', node: 'n1', containerPorts: httpPort }),
      pod('b', { labels: web, ready: false, ip: '10.0.0.2', node: 'n2', containerPorts: httpPort }),
      pod('no-ip', { labels: web, ready: true, containerPorts: httpPort }),
      pod('failed', { labels: web, ready: false, ip: '10.0.0.9', phase: 'Failed', containerPorts: httpPort }),
      pod('other', { labels: { app: 'db' }, ready: true, ip: '10.0.0.8', containerPorts: httpPort }),
      pod('leaving', { labels: web, ready: true, ip: '10.0.0.7', deleting: true, containerPorts: httpPort }),
    ];
    const r = sync([service('web', web, ports, { clusterIP: '10.96.0.10' })], pods);
    expect(r.actions).toHaveLength(1);
    expect(r.actions[0]).toMatchObject({ type: 'create', resource: Resources.endpoints, namespace: 'default' });
    const ep = objectOf<Endpoints>(r.actions[0]);
    expect(ep.metadata.name).toBe('web');
    expect(ep.subsets).toEqual([
      {
        addresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: ref('a') }],
        notReadyAddresses: [{ ip: '10.0.0.2', nodeName: 'n2', targetRef: ref('b') }],
        ports: [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'metrics', port: 9090, protocol: 'TCP' },
        ],
      },
    ]);
  });

  it('groups subsets by port set: a pod without the named port only offers the numeric one', () => {
    const pods = [
      pod('a', { labels: web, ready: true, ip: '10.0.0.1', containerPorts: httpPort }),
      pod('plain', { labels: web, ready: true, ip: '10.0.0.3' }),
    ];
    const ep = objectOf<Endpoints>(sync([service('web', web, ports)], pods).actions[0]);
    expect(ep.subsets).toEqual([
      { addresses: [{ ip: '10.0.0.1', targetRef: ref('a') }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addresses: [{ ip: '10.0.0.1', targetRef: ref('a') }, { ip: '10.0.0.3', targetRef: ref('plain') }], ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }] },
    ]);
  });

  it('publishNotReadyAddresses lists unready and terminating pods as ready', () => {
    const pods = [pod('b', { labels: web, ready: false, ip: '10.0.0.2', containerPorts: httpPort }), pod('leaving', { labels: web, ready: true, ip: '10.0.0.7', deleting: true, containerPorts: httpPort })];
    const ep = objectOf<Endpoints>(sync([service('web', web, [ports[0]!], { publishNotReadyAddresses: true })], pods).actions[0]);
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(['10.0.0.2', '10.0.0.7']);
    expect(ep.subsets?.[0]?.notReadyAddresses).toBeUndefined();
  });

  it('headless: labels the Endpoints, keeps pods without ports, sets hostnames for its subdomain', () => {
    const pods = [pod('db-0', { labels: web, ready: true, ip: '10.0.0.5', hostname: 'db-0', subdomain: 'web' })];
    const svc = service('web', web, [], { clusterIP: 'None' });
    svc.metadata.labels = { tier: 'data' };
    const ep = objectOf<Endpoints>(sync([svc], pods).actions[0]);
    expect(ep.metadata.labels).toEqual({ tier: 'data', 'service.kubernetes.io/headless': '' });
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '10.0.0.5', hostname: 'db-0', targetRef: ref('db-0') }] }]);
  });

  it('updates only on change, deletes with the Service, ignores selectorless and ExternalName services', () => {
    const cluster = new FakeCluster();
    cluster.add(Resources.services, service('web', web, [ports[1]!]));
    cluster.add(Resources.pods, pod('a', { labels: web, ready: true, ip: '10.0.0.1' }));
    const run = () => {
      const r = syncEndpoints('default/web', { services: cluster.lister(Resources.services), pods: cluster.lister(Resources.pods), endpoints: cluster.lister(Resources.endpoints) });
      cluster.execute(r.actions);
      return r;
    };
    expect(run().actions[0]?.type).toBe('create');
    expect(run().actions).toEqual([]);
    const p = cluster.get<Pod>(Resources.pods, 'default', 'a')!;
    cluster.put(Resources.pods, { ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } });
    const update = run();
    expect(update.actions[0]?.type).toBe('update');
    expect(cluster.get<Endpoints>(Resources.endpoints, 'default', 'web')?.subsets?.[0]?.notReadyAddresses?.[0]?.ip).toBe('10.0.0.1');
    cluster.remove(Resources.services, 'default', 'web');
    expect(run().actions).toEqual([{ type: 'delete', resource: Resources.endpoints, namespace: 'default', name: 'web' }]);
    expect(sync([service('web', undefined, ports)], [pod('a', { labels: web, ready: true, ip: '10.0.0.1' })]).actions).toEqual([]);
    expect(sync([service('web', web, ports, { type: 'ExternalName' })], [pod('a', { labels: web, ready: true, ip: '10.0.0.1' })]).actions).toEqual([]);
  });
});

describe('EndpointSlices', () => {
  const random = new SeededRandom(3);
  const run = (svc: Service, pods: Pod[], slices: EndpointSlice[] = []) =>
    syncEndpointSlices('default/web', { services: listerOf([svc]), pods: listerOf(pods), endpointSlices: listerOf(slices) }, { random });

  it('creates an owned IPv4 slice with ready/serving/terminating conditions', () => {
    const pods = [
      pod('a', { labels: web, ready: true, ip: '10.0.0.1', node: 'n1', containerPorts: httpPort }),
      pod('b', { labels: web, ready: false, ip: '10.0.0.2', containerPorts: httpPort }),
      pod('c', { labels: web, ready: true, ip: '10.0.0.3', deleting: true, containerPorts: httpPort }),
    ];
    const r = run(service('web', web, [ports[0]!]), pods);
    const slice = objectOf<EndpointSlice>(r.actions[0]);
    expect(slice.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice.metadata.labels).toEqual({ 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    expect(slice.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'web', controller: true });
    expect(slice.addressType).toBe('IPv4');
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice.endpoints.map((e) => [e.addresses[0], e.conditions])).toEqual([
      ['10.0.0.1', { ready: true, serving: true, terminating: false }],
      ['10.0.0.2', { ready: false, serving: false, terminating: false }],
      ['10.0.0.3', { ready: false, serving: true, terminating: true }],
    ]);
    expect(slice.endpoints[0]?.nodeName).toBe('n1');
  });

  it('keeps an empty placeholder for a Service selecting nothing, and splits beyond 100 endpoints', () => {
    const empty = run(service('web', web, [ports[1]!]), []);
    expect(objectOf<EndpointSlice>(empty.actions[0])).toMatchObject({ endpoints: [], ports: [] });
    const many = Array.from({ length: 150 }, (_, i) => pod(`p${i}`, { labels: web, ready: true, ip: `10.0.${Math.floor(i / 200)}.${i + 1}` }));
    const r = run(service('web', web, [ports[1]!]), many);
    expect(r.actions.map((a) => (a.type === 'create' ? (a.object as EndpointSlice).endpoints.length : -1))).toEqual([100, 50]);
  });

  it('updates its slice in place and deletes surplus ones', () => {
    const svc = service('web', web, [ports[1]!]);
    const first = objectOf<EndpointSlice>(run(svc, [pod('a', { labels: web, ready: true, ip: '10.0.0.1' })]).actions[0]);
    const stored = { ...first, metadata: { ...first.metadata, uid: 's1', resourceVersion: '1' } };
    const stale = { ...first, metadata: { ...first.metadata, name: 'web-zzzzz', uid: 's2' } };
    const r = run(svc, [pod('a', { labels: web, ready: true, ip: '10.0.0.1' }), pod('b', { labels: web, ready: true, ip: '10.0.0.2' })], [stored, stale]);
    expect(r.actions.map((a) => a.type)).toEqual(['update', 'delete']);
    expect(objectOf<EndpointSlice>(r.actions[0]).endpoints).toHaveLength(2);
    expect(run(svc, [pod('a', { labels: web, ready: true, ip: '10.0.0.1' })], [stored]).actions).toEqual([]);
  });
});
