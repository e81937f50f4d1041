// desiredListeners: the proxy's rules from Services, Endpoints/EndpointSlices and node addresses.
import { describe, expect, it } from 'vitest';
import { DEFAULT_AFFINITY_TIMEOUT_SECONDS, desiredListeners } from '../src/index.js';
import { endpoints, service, slice } from './fixtures.js';

const NODES = ['127.0.10.1', '127.0.10.2'];

describe('desiredListeners', () => {
  it('a ClusterIP service gets one listener per port with the endpoints of that port', () => {
    const svc = service('web', {
      clusterIP: '127.96.0.10',
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'metrics', port: 9090, targetPort: 9100 },
      ],
    });
    // targetPort "http" was resolved by the Endpoints controller: the endpoints carry numbers.
    const eps = endpoints('web', [
      { ready: [{ ip: '127.0.1.2' }, { ip: '127.0.1.1', nodeName: 'n1' }], ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9100 }] },
    ]);
    const listeners = desiredListeners([svc], [eps], NODES);
    expect(listeners.map((l) => l.key)).toEqual(['127.96.0.10:80/TCP', '127.96.0.10:9090/TCP']);
    const http = listeners[0]!;
    expect(http).toMatchObject({ ip: '127.96.0.10', port: 80, protocol: 'TCP', kind: 'ClusterIP', service: { namespace: 'default', name: 'web', portName: 'http' } });
    expect(http.endpoints).toEqual([
      { ip: '127.0.1.1', port: 8080, ready: true, nodeName: 'n1' },
      { ip: '127.0.1.2', port: 8080, ready: true },
    ]);
    expect(listeners[1]!.endpoints.map((e) => e.port)).toEqual([9100, 9100]);
    expect(http.affinity).toEqual({ type: 'None' });
  });

  it('a NodePort service also listens on every node address at the NodePort', () => {
    const svc = service('web', { type: 'NodePort', clusterIP: '127.96.0.11', ports: [{ port: 80, nodePort: 30080 }] });
    const eps = endpoints('web', [{ ready: [{ ip: '127.0.1.1' }], ports: [{ port: 8080 }] }]);
    const listeners = desiredListeners([svc], [eps], NODES);
    expect(listeners.map((l) => [l.key, l.kind])).toEqual([
      ['127.0.10.1:30080/TCP', 'NodePort'],
      ['127.0.10.2:30080/TCP', 'NodePort'],
      ['127.96.0.11:80/TCP', 'ClusterIP'],
    ]);
    for (const l of listeners) expect(l.endpoints).toEqual([{ ip: '127.0.1.1', port: 8080, ready: true }]);
  });

  it('headless, ExternalName and unallocated services get no listener', () => {
    const services = [
      service('headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
      service('ext', { type: 'ExternalName', externalName: 'example.com', ports: [{ port: 80 }] }),
      service('pending', { ports: [{ port: 80 }] }),
    ];
    expect(desiredListeners(services, [endpoints('headless', [{ ready: [{ ip: '127.0.1.1' }], ports: [{ port: 80 }] }])], NODES)).toEqual([]);
  });

  it('keeps not-ready endpoints, marked, and a service without endpoints still gets its listener', () => {
    const svc = service('web', { clusterIP: '127.96.0.12', ports: [{ port: 80 }] });
    const eps = endpoints('web', [{ ready: [{ ip: '127.0.1.1' }], notReady: [{ ip: '127.0.1.2' }], ports: [{ port: 8080 }] }]);
    expect(desiredListeners([svc], [eps], NODES)[0]!.endpoints).toEqual([
      { ip: '127.0.1.1', port: 8080, ready: true },
      { ip: '127.0.1.2', port: 8080, ready: false },
    ]);
    expect(desiredListeners([svc], [], NODES)[0]!.endpoints).toEqual([]);
  });

  it('matches endpoint ports by name and protocol', () => {
    const svc = service('dns', {
      clusterIP: '127.96.0.53',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      ],
    });
    const eps = endpoints('dns', [
      { ready: [{ ip: '127.0.1.1' }], ports: [{ name: 'dns', port: 5353, protocol: 'UDP' }, { name: 'dns-tcp', port: 5354, protocol: 'TCP' }, { name: 'other', port: 1 }] },
    ]);
    const listeners = desiredListeners([svc], [eps], NODES);
    expect(listeners.map((l) => [l.key, l.endpoints.map((e) => e.port)])).toEqual([
      ['127.96.0.53:53/TCP', [5354]],
      ['127.96.0.53:53/UDP', [5353]],
    ]);
  });

  it('ClientIP affinity defaults its timeout to 10800 s', () => {
    const a = service('a', { clusterIP: '127.96.0.20', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] });
    const b = service('b', { clusterIP: '127.96.0.21', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ port: 80 }] });
    const [la, lb] = desiredListeners([a, b], [], NODES);
    expect(la!.affinity).toEqual({ type: 'ClientIP', timeoutSeconds: DEFAULT_AFFINITY_TIMEOUT_SECONDS });
    expect(lb!.affinity).toEqual({ type: 'ClientIP', timeoutSeconds: 60 });
  });

  it('EndpointSlices win over Endpoints; nil ready means ready; duplicates across slices merge', () => {
    const svc = service('web', { clusterIP: '127.96.0.13', ports: [{ name: 'http', port: 80 }] });
    const stale = endpoints('web', [{ ready: [{ ip: '127.0.9.9' }], ports: [{ name: 'http', port: 8080 }] }]);
    const s1 = slice('web-a', 'web', [{ ip: '127.0.1.1' }, { ip: '127.0.1.2', ready: false }], [{ name: 'http', port: 8080 }]);
    const s2 = slice('web-b', 'web', [{ ip: '127.0.1.2', ready: true }, { ip: '127.0.1.3', ready: false }], [{ name: 'http', port: 8080 }]);
    const other = slice('api-a', 'api', [{ ip: '127.0.2.1' }], [{ name: 'http', port: 8080 }]);
    expect(desiredListeners([svc], [stale, s1, s2, other], NODES)[0]!.endpoints).toEqual([
      { ip: '127.0.1.1', port: 8080, ready: true },
      { ip: '127.0.1.2', port: 8080, ready: true },
      { ip: '127.0.1.3', port: 8080, ready: false },
    ]);
  });

  it('with no ready endpoint, serving-and-terminating ones take traffic (KEP-1669)', () => {
    const svc = service('web', { clusterIP: '127.96.0.14', ports: [{ port: 80 }] });
    const s = slice('web-a', 'web', [
      { ip: '127.0.1.1', ready: false, serving: true, terminating: true },
      { ip: '127.0.1.2', ready: false, serving: false, terminating: true },
    ], [{ port: 8080 }]);
    expect(desiredListeners([svc], [s], NODES)[0]!.endpoints.map((e) => [e.ip, e.ready])).toEqual([
      ['127.0.1.1', true],
      ['127.0.1.2', false],
    ]);
    const withReady = slice('web-b', 'web', [{ ip: '127.0.1.3', ready: true }], [{ port: 8080 }]);
    expect(desiredListeners([svc], [s, withReady], NODES)[0]!.endpoints.filter((e) => e.ready).map((e) => e.ip)).toEqual(['127.0.1.3']);
  });

  it('Local traffic policies keep this node\'s endpoints when the node is named', () => {
    const svc = service('web', {
      type: 'NodePort',
      clusterIP: '127.96.0.15',
      externalTrafficPolicy: 'Local',
      ports: [{ port: 80, nodePort: 30081 }],
    });
    const eps = endpoints('web', [{ ready: [{ ip: '127.0.1.1', nodeName: 'n1' }, { ip: '127.0.1.2', nodeName: 'n2' }], ports: [{ port: 8080 }] }]);
    const listeners = desiredListeners([svc], [eps], ['127.0.10.1'], { nodeName: 'n1' });
    const byKind = Object.fromEntries(listeners.map((l) => [l.kind, l.endpoints.map((e) => e.ip)]));
    expect(byKind).toEqual({ NodePort: ['127.0.1.1'], ClusterIP: ['127.0.1.1', '127.0.1.2'] });
    expect(desiredListeners([svc], [eps], ['127.0.10.1'])[0]!.endpoints).toHaveLength(2);
  });

  it('two services on one address and port: the first by namespace/name keeps it; output is sorted and stable', () => {
    const a = service('a', { clusterIP: '127.96.0.16', ports: [{ port: 80 }] });
    const b = service('b', { clusterIP: '127.96.0.16', ports: [{ port: 80 }] });
    const c = service('c', { clusterIP: '127.96.0.2', ports: [{ port: 80 }] });
    const one = desiredListeners([c, b, a], [], NODES);
    expect(one.map((l) => [l.key, l.service.name])).toEqual([
      ['127.96.0.16:80/TCP', 'a'],
      ['127.96.0.2:80/TCP', 'c'],
    ]);
    expect(desiredListeners([a, b, c], [], NODES)).toEqual(one);
  });
});
