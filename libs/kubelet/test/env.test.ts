// Service env vars, the downward API, $(VAR) expansion and ConfigMap/Secret sources.
import { describe, expect, it } from 'vitest';
import type { ConfigMap, Secret, Service } from '@skiff/api';
import { ContainerConfigError, expandCommandAndArgs, makeEnvironmentVariables, type ObjectLookup } from '../src/container-env.js';
import { DownwardAPIError, podFieldValue, resourceFieldValue } from '../src/downward-api.js';
import { expand, mappingFor } from '../src/env-expansion.js';
import { fromServices, makeEnvVariableName, serviceEnvVars } from '../src/service-env.js';
import { container, pod } from './fixtures.js';

const svc = (name: string, namespace: string, clusterIP: string, ports: { port: number; name?: string; protocol?: 'TCP' | 'UDP' }[]): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { clusterIP, ports },
});

const lookup = (configMaps: ConfigMap[] = [], secrets: Secret[] = []): ObjectLookup => ({
  configMap: (ns, name) => configMaps.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
  secret: (ns, name) => secrets.find((s) => s.metadata.namespace === ns && s.metadata.name === name),
});

describe('service env vars', () => {
  it('names variables as Kubernetes does, with Docker-link variables', () => {
    expect(makeEnvVariableName('my-svc')).toBe('MY_SVC');
    const env = fromServices([svc('redis-master', 'default', '10.0.0.11', [{ port: 6379 }, { port: 6380, name: 'metrics', protocol: 'UDP' }])]);
    expect(env).toEqual([
      { name: 'REDIS_MASTER_SERVICE_HOST', value: '10.0.0.11' },
      { name: 'REDIS_MASTER_SERVICE_PORT', value: '6379' },
      { name: 'REDIS_MASTER_SERVICE_PORT_METRICS', value: '6380' },
      { name: 'REDIS_MASTER_PORT', value: 'tcp://10.0.0.11:6379' },
      { name: 'REDIS_MASTER_PORT_6379_TCP', value: 'tcp://10.0.0.11:6379' },
      { name: 'REDIS_MASTER_PORT_6379_TCP_PROTO', value: 'tcp' },
      { name: 'REDIS_MASTER_PORT_6379_TCP_PORT', value: '6379' },
      { name: 'REDIS_MASTER_PORT_6379_TCP_ADDR', value: '10.0.0.11' },
      { name: 'REDIS_MASTER_PORT_6380_UDP', value: 'udp://10.0.0.11:6380' },
      { name: 'REDIS_MASTER_PORT_6380_UDP_PROTO', value: 'udp' },
      { name: 'REDIS_MASTER_PORT_6380_UDP_PORT', value: '6380' },
      { name: 'REDIS_MASTER_PORT_6380_UDP_ADDR', value: '10.0.0.11' },
    ]);
    expect(fromServices([svc('a', 'default', '10.0.0.1', [{ port: 80 }])], { dockerLinks: false }).map((e) => e.name)).toEqual(['A_SERVICE_HOST', 'A_SERVICE_PORT']);
  });

  it("takes the pod's namespace's services (when enableServiceLinks) and always `kubernetes`; headless services give none", () => {
    const services = [
      svc('kubernetes', 'default', '10.0.0.1', [{ port: 443, name: 'https' }]),
      svc('web', 'shop', '10.0.0.20', [{ port: 80 }]),
      svc('db', 'other', '10.0.0.30', [{ port: 5432 }]),
      svc('headless', 'shop', 'None', [{ port: 80 }]),
    ];
    const names = (m: Map<string, string>) => [...m.keys()].filter((k) => k.endsWith('_SERVICE_HOST'));
    expect(names(serviceEnvVars(services, 'shop'))).toEqual(['KUBERNETES_SERVICE_HOST', 'WEB_SERVICE_HOST']);
    expect(names(serviceEnvVars(services, 'shop', false))).toEqual(['KUBERNETES_SERVICE_HOST']);
  });
});

describe('downward API', () => {
  const p = { ...pod({ serviceAccountName: 'builder' }), metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { app: 'web', tier: 'fe' } } };
  const fields = { podIP: '127.42.0.9', hostIP: '127.0.0.1' };

  it('resolves field paths', () => {
    const value = (path: string) => podFieldValue(path, p, fields);
    expect(['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.podIP', 'status.hostIP'].map(value)).toEqual([
      'web',
      'shop',
      'u-1',
      'node-1',
      'builder',
      '127.42.0.9',
      '127.0.0.1',
    ]);
    expect(value("metadata.labels['app']")).toBe('web');
    expect(value('metadata.labels')).toBe('app="web"\ntier="fe"');
    expect(() => value('spec.containers')).toThrow(DownwardAPIError);
  });

  it('resolves resource fields with divisors, defaulting limits to node allocatable', () => {
    const c = container('app', { resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '128Mi' } } });
    const q = pod({ containers: [c] });
    expect(resourceFieldValue({ resource: 'requests.cpu', divisor: '1m' }, q, c)).toBe('250');
    expect(resourceFieldValue({ resource: 'requests.cpu' }, q, c)).toBe('1');
    expect(resourceFieldValue({ resource: 'limits.memory', divisor: '1Mi' }, q, c)).toBe('128');
    expect(resourceFieldValue({ resource: 'limits.cpu' }, q, c, { cpu: '4' })).toBe('4');
  });
});

describe('container environment', () => {
  const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { MODE: 'fast', 'bad key': 'x' } };
  const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { password: Buffer.from('hunter2').toString('base64') } };

  it('orders envFrom, env (expanded, downward, key refs), then service variables', () => {
    const c = container('app', {
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
      env: [
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'URL', value: 'http://$(POD_IP):8080/$(CFG_MODE)/$(NOPE)/$$(POD_IP)' },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 's', key: 'password' } } },
        { name: 'WEB_SERVICE_HOST', value: 'overridden' },
      ],
    });
    const env = makeEnvironmentVariables({
      pod: pod({ containers: [c] }),
      container: c,
      fields: { podIP: '127.42.0.9', hostIP: '127.0.0.1' },
      serviceEnv: new Map([['WEB_SERVICE_HOST', '10.0.0.20'], ['WEB_SERVICE_PORT', '80']]),
      lookup: lookup([cm], [secret]),
    });
    expect(env).toEqual([
      { name: 'CFG_MODE', value: 'fast' },
      { name: 'POD_IP', value: '127.42.0.9' },
      { name: 'URL', value: 'http://127.42.0.9:8080/fast/$(NOPE)/$(POD_IP)' },
      { name: 'PASSWORD', value: 'hunter2' },
      { name: 'WEB_SERVICE_HOST', value: 'overridden' },
      { name: 'WEB_SERVICE_PORT', value: '80' },
    ]);
    expect(expandCommandAndArgs({ ...c, command: ['echo', '$(URL)'] }, env).command).toEqual(['echo', 'http://127.42.0.9:8080/fast/$(NOPE)/$(POD_IP)']);
  });

  it('fails with CreateContainerConfigError for a missing ConfigMap or key unless optional', () => {
    const run = (env: NonNullable<ReturnType<typeof container>['env']>) => {
      const c = container('app', { env });
      return () => makeEnvironmentVariables({ pod: pod({ containers: [c] }), container: c, fields: { podIP: '', hostIP: '' }, serviceEnv: new Map(), lookup: lookup([cm]) });
    };
    expect(run([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k' } } }])).toThrow(new ContainerConfigError('configmap "missing" not found'));
    expect(run([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }])).toThrow('couldn\'t find key k in ConfigMap default/cfg');
    expect(run([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k', optional: true } } }])()).toEqual([]);
  });

  it('expands $(VAR) like Kubernetes: unknown kept, $$ escapes, lone $ kept', () => {
    const m = mappingFor(new Map([['A', 'x']]));
    expect(expand('$(A)-$(B)-$$(A)-$-$A-$(A', m)).toBe('x-$(B)-$(A)-$-$A-$(A');
  });
});
