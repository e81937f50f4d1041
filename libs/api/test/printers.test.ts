import { describe, expect, it } from 'vitest';
import { formatAge, type KubeObject } from '../src/index.js';
import { deployments, info, pods, services } from './fixtures.js';

const now = Date.parse('2026-11-25T12:00:00Z');
const ago = (ms: number): string => new Date(now - ms).toISOString();
const min = 60_000;

function podWith(status: Record<string, unknown>, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(10 * min), ...meta },
    spec: { containers: [{ name: 'app', image: 'nginx' }], nodeName: 'node-1', ...spec },
    status,
  };
}

const row = (o: KubeObject): unknown[] => pods.tableRow(o, now);

describe('formatAge (duration.HumanDuration)', () => {
  it('prints as kubectl does', () => {
    const cases: [number, string][] = [
      [-5_000, '<invalid>'],
      [-1_500, '0s'],
      [45_000, '45s'],
      [119_000, '119s'],
      [3 * min + 12_000, '3m12s'],
      [5 * min, '5m'],
      [17 * min, '17m'],
      [179 * min, '179m'],
      [5 * 60 * min + 20 * min, '5h20m'],
      [6 * 60 * min, '6h'],
      [30 * 60 * min, '30h'],
      [(2 * 24 + 4) * 60 * min, '2d4h'],
      [300 * 24 * 60 * min, '300d'],
      [(3 * 365 + 12) * 24 * 60 * min, '3y12d'],
      [9 * 365 * 24 * 60 * min, '9y'],
    ];
    for (const [ms, text] of cases) expect(formatAge(ms), String(ms)).toBe(text);
  });
});

describe('pod table', () => {
  it('has the columns kubectl shows, wide ones at priority 1', () => {
    expect(pods.tableColumns.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1',
    ]);
    expect(pods.tableColumns[0]?.format).toBe('name');
  });

  it('shows a pending, unscheduled pod', () => {
    expect(row(podWith({ phase: 'Pending' }, { nodeName: undefined }))).toEqual(['web', '0/1', 'Pending', '0', '10m', '<none>', '<none>', '<none>', '<none>']);
  });

  it('shows ContainerCreating while waiting', () => {
    const st = { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] };
    expect(row(podWith(st)).slice(0, 4)).toEqual(['web', '0/1', 'ContainerCreating', '0']);
  });

  it('shows a running pod with its IP and node', () => {
    const st = { phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'nginx', imageID: '', state: { running: { startedAt: ago(9 * min) } } }] };
    expect(row(podWith(st))).toEqual(['web', '1/1', 'Running', '0', '10m', '10.244.0.5', 'node-1', '<none>', '<none>']);
  });

  it('shows CrashLoopBackOff with restarts and when the last one happened', () => {
    const st = {
      phase: 'Running',
      containerStatuses: [{ name: 'app', ready: false, restartCount: 5, image: 'nginx', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(5 * min) } } }],
    };
    expect(row(podWith(st)).slice(1, 4)).toEqual(['0/1', 'CrashLoopBackOff', '5 (5m ago)']);
  });

  it('shows Completed, ExitCode and Terminating', () => {
    const done = { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] };
    expect(row(podWith(done)).slice(1, 3)).toEqual(['0/1', 'Completed']);
    const failed = { phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 137 } } }] };
    expect(row(podWith(failed))[2]).toBe('ExitCode:137');
    const running = { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'x', imageID: '', state: { running: {} } }] };
    expect(row(podWith(running, {}, { deletionTimestamp: ago(0) }))[2]).toBe('Terminating');
    expect(row(podWith(done, {}, { deletionTimestamp: ago(0) }))[2]).toBe('Completed');
  });

  it('shows init progress', () => {
    const spec = { initContainers: [{ name: 'init-a', image: 'x' }, { name: 'init-b', image: 'x' }] };
    const first = {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'init-a', ready: false, restartCount: 0, image: 'x', imageID: '', state: { running: {} } },
        { name: 'init-b', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'PodInitializing' } } },
      ],
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'PodInitializing' } } }],
    };
    expect(row(podWith(first, spec))[2]).toBe('Init:0/2');
    const crashing = { ...first, initContainerStatuses: [{ name: 'init-a', ready: false, restartCount: 3, image: 'x', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } } }] };
    expect(row(podWith(crashing, spec)).slice(2, 4)).toEqual(['Init:CrashLoopBackOff', '3']);
    const failedInit = { ...first, initContainerStatuses: [{ name: 'init-a', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 2 } } }] };
    expect(row(podWith(failedInit, spec))[2]).toBe('Init:ExitCode:2');
  });

  it('counts readiness gates', () => {
    const st = { phase: 'Running', conditions: [{ type: 'example.com/lb', status: 'True' }] };
    expect(row(podWith(st, { readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] }))[8]).toBe('1/2');
  });
});

describe('other tables', () => {
  it('prints node status, roles and wide columns', () => {
    const nodes = info('', 'v1', 'nodes');
    const node = (conditions: unknown[], unschedulable = false): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', creationTimestamp: ago(3 * 24 * 60 * min), labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'worker' } },
      spec: { unschedulable },
      status: { conditions, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }], nodeInfo: { kubeletVersion: 'v1.32.4', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'skiff://0.1.0' } },
    });
    expect(nodes.tableColumns.map((c) => c.name)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']);
    expect(nodes.tableRow(node([{ type: 'Ready', status: 'True' }]), now)).toEqual(['node-1', 'Ready', 'control-plane,worker', '3d', 'v1.32.4', '10.0.0.1', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'skiff://0.1.0']);
    expect(nodes.tableRow(node([{ type: 'Ready', status: 'Unknown' }], true), now)[1]).toBe('NotReady,SchedulingDisabled');
    expect(nodes.tableRow(node([]), now)[1]).toBe('Unknown');
  });

  it('prints services by type', () => {
    const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', creationTimestamp: ago(2 * min) }, spec, status });
    expect(services.tableRow(svc({ type: 'ClusterIP', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }], selector: { tier: 'fe', app: 'web' } }), now)).toEqual(['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '2m', 'app=web,tier=fe']);
    expect(services.tableRow(svc({ type: 'NodePort', clusterIPs: ['10.96.0.11'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }), now).slice(1, 5)).toEqual(['NodePort', '10.96.0.11', '<none>', '80:30080/TCP,53/UDP']);
    expect(services.tableRow(svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], ports: [] }), now).slice(3, 5)).toEqual(['<pending>', '<none>']);
    expect(services.tableRow(svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.12'] }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }), now)[3]).toBe('1.2.3.4');
    expect(services.tableRow(svc({ type: 'ExternalName', externalName: 'db.example.com' }), now).slice(2, 4)).toEqual(['<none>', 'db.example.com']);
  });

  it('prints deployments and replica sets', () => {
    const d: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', creationTimestamp: ago(90_000) },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } } },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    expect(deployments.tableColumns.map((c) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
    expect(deployments.tableRow(d, now)).toEqual(['web', '2/3', 3, 2, '90s', 'web,log', 'nginx:1.27,busybox', 'app=web']);
    const rs = { ...d, kind: 'ReplicaSet', status: { replicas: 3, readyReplicas: 1 } };
    expect(info('apps', 'v1', 'replicasets').tableRow(rs, now).slice(0, 5)).toEqual(['web', 3, 3, 1, '90s']);
  });

  it('prints events, with source and count in the wide columns', () => {
    const events = info('', 'v1', 'events');
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{app}' },
      reason: 'Pulled',
      message: 'Successfully pulled image "nginx" \n',
      type: 'Normal',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: ago(4 * min),
      lastTimestamp: ago(30_000),
      count: 3,
    };
    expect(events.tableColumns.map((c) => c.name)).toEqual(['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
    expect(events.tableRow(ev, now)).toEqual(['30s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'kubelet, node-1', 'Successfully pulled image "nginx"', '4m', 3, 'web.1']);
  });

  it('prints the small kinds', () => {
    const meta = { name: 'x', namespace: 'default', creationTimestamp: ago(65_000) };
    expect(info('', 'v1', 'configmaps').tableRow({ metadata: meta, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, now)).toEqual(['x', 3, '65s']);
    expect(info('', 'v1', 'secrets').tableRow({ metadata: meta, type: 'Opaque', data: { a: 'MQ==' } }, now)).toEqual(['x', 'Opaque', 1, '65s']);
    expect(info('', 'v1', 'namespaces').tableRow({ metadata: meta, status: { phase: 'Active' } }, now)).toEqual(['x', 'Active', '65s']);
    expect(info('', 'v1', 'serviceaccounts').tableRow({ metadata: meta }, now)).toEqual(['x', 0, '65s']);
    expect(info('', 'v1', 'endpoints').tableRow({ metadata: meta, subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }] }, now)).toEqual(['x', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...', '65s']);
    expect(info('scheduling.k8s.io', 'v1', 'priorityclasses').tableRow({ metadata: meta, value: 1000, preemptionPolicy: 'Never' }, now)).toEqual(['x', 1000, false, '65s', 'Never']);
    expect(info('coordination.k8s.io', 'v1', 'leases').tableRow({ metadata: meta, spec: { holderIdentity: 'node-1' } }, now)).toEqual(['x', 'node-1', '65s']);
    expect(info('rbac.authorization.k8s.io', 'v1', 'roles').tableColumns.map((c) => c.name)).toEqual(['Name', 'Created At']);
    expect(info('rbac.authorization.k8s.io', 'v1', 'roles').tableRow({ metadata: meta }, now)).toEqual(['x', ago(65_000)]);
    const hpa = { metadata: meta, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] }, status: { currentReplicas: 2, desiredReplicas: 2 } };
    expect(info('autoscaling', 'v2', 'horizontalpodautoscalers').tableRow(hpa, now)).toEqual(['x', 'Deployment/web', 'cpu: <unknown>/80%', '1', 5, 2, '65s']);
    const pdb = { metadata: meta, spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } };
    expect(info('policy', 'v1', 'poddisruptionbudgets').tableRow(pdb, now)).toEqual(['x', '50%', 'N/A', 1, '65s']);
    const job = { metadata: meta, spec: { completions: 3, template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } } }, status: { succeeded: 3, startTime: ago(60_000), completionTime: ago(20_000), conditions: [{ type: 'Complete', status: 'True' }] } };
    expect(info('batch', 'v1', 'jobs').tableRow(job, now).slice(0, 5)).toEqual(['x', 'Complete', '3/3', '40s', '65s']);
  });
});
