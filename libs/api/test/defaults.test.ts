import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../src/index.js';
import { deployment, deployments, info, pod, pods, service, services } from './fixtures.js';

describe('defaults', () => {
  it('fills a pod spec as SetDefaults_PodSpec, _Container and _Probe do', () => {
    const obj = pod({
      containers: [
        { name: 'a', image: 'nginx', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } }, resources: { limits: { cpu: '1', memory: '1Gi' } } },
        { name: 'b', image: 'registry.local:5000/app:1.2' },
        { name: 'c', image: 'app@sha256:abc' },
      ],
      volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'cfg' } }],
      serviceAccountName: 'builder',
    });
    pods.defaults(obj);
    expect(obj.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      securityContext: {},
      enableServiceLinks: true,
      serviceAccount: 'builder',
      volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } }],
    });
    const [a, b, c] = (obj.spec as { containers: Record<string, unknown>[] }).containers;
    expect(a).toMatchObject({
      imagePullPolicy: 'Always',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      livenessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } },
    });
    expect(b?.imagePullPolicy).toBe('IfNotPresent');
    expect(c?.imagePullPolicy).toBe('IfNotPresent');
  });

  it('drops nulls as Go decoding does', () => {
    const obj = pod({ containers: [{ name: 'a', image: 'x', resources: null }], nodeName: null }, { creationTimestamp: null });
    pods.defaults(obj);
    expect(obj.metadata).not.toHaveProperty('creationTimestamp');
    expect(obj.spec).not.toHaveProperty('nodeName');
    expect(pods.validate(obj)).toEqual([]);
  });

  it('fills services: type, affinity, protocols, target ports and traffic policies', () => {
    const obj = service({ type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns', name: 'dns' }] });
    services.defaults(obj);
    expect(obj.spec).toEqual({
      type: 'NodePort',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { port: 53, protocol: 'UDP', targetPort: 'dns', name: 'dns' },
      ],
    });
    const plain = service({ ports: [{ port: 80 }] });
    services.defaults(plain);
    expect(plain.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster' });
    expect(plain.spec).not.toHaveProperty('externalTrafficPolicy');
  });

  it('fills deployments, replica sets and daemon sets', () => {
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };
    const d = deployment({ selector: { matchLabels: { app: 'web' } }, template });
    deployments.defaults(d);
    expect(d.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      template: { spec: { restartPolicy: 'Always', containers: [{ imagePullPolicy: 'IfNotPresent' }] } },
    });
    const recreate = deployment({ selector: { matchLabels: { app: 'web' } }, template, strategy: { type: 'Recreate' } });
    deployments.defaults(recreate);
    expect(recreate.spec).toMatchObject({ strategy: { type: 'Recreate' } });
    expect((recreate.spec as { strategy: object }).strategy).not.toHaveProperty('rollingUpdate');
    const ds: KubeObject = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'a', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template } };
    info('apps', 'v1', 'daemonsets').defaults(ds);
    expect(ds.spec).toMatchObject({ revisionHistoryLimit: 10, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } });
  });

  it('fills jobs, HPAs, priority classes, namespaces, secrets and role bindings', () => {
    const job: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default' }, spec: { template: { metadata: { labels: { app: 'pi' } }, spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never' } } } };
    info('batch', 'v1', 'jobs').defaults(job);
    expect(job.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false });
    expect(job.metadata.labels).toEqual({ app: 'pi' });

    const hpa: KubeObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'default' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, behavior: {} } };
    info('autoscaling', 'v2', 'horizontalpodautoscalers').defaults(hpa);
    expect(hpa.spec).toMatchObject({
      minReplicas: 1,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      behavior: { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max' }, scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } },
    });

    const pc: KubeObject = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 };
    info('scheduling.k8s.io', 'v1', 'priorityclasses').defaults(pc);
    expect(pc.preemptionPolicy).toBe('PreemptLowerPriority');

    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };
    info('', 'v1', 'namespaces').defaults(ns);
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' });

    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { a: Buffer.from('old').toString('base64') }, stringData: { a: 'new', b: 'héllo' } };
    info('', 'v1', 'secrets').defaults(secret);
    expect(secret).not.toHaveProperty('stringData');
    expect(secret.type).toBe('Opaque');
    expect(secret.data).toEqual({ a: Buffer.from('new').toString('base64'), b: Buffer.from('héllo').toString('base64') });

    const rb: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'rb', namespace: 'default' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'default', namespace: 'default' }] };
    info('rbac.authorization.k8s.io', 'v1', 'rolebindings').defaults(rb);
    expect(rb.roleRef).toEqual({ kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' });
    expect(rb.subjects).toEqual([{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'default', namespace: 'default', apiGroup: '' }]);
  });
});

describe('strategies', () => {
  it('starts pods Pending with their QoS class', () => {
    const best = pod({ containers: [{ name: 'a', image: 'x' }] });
    pods.defaults(best);
    pods.prepareForCreate(best);
    expect(best.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const guaranteed = pod({ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] }, { uid: 'u' });
    pods.defaults(guaranteed);
    guaranteed.status = { phase: 'Running' };
    pods.prepareForCreate(guaranteed);
    expect(guaranteed.status).toEqual({ phase: 'Pending', qosClass: 'Guaranteed' });
    const burstable = pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' } } }] });
    pods.prepareForCreate(burstable);
    expect(burstable.status).toMatchObject({ qosClass: 'Burstable' });
  });

  it('keeps status on main updates and everything else on status updates', () => {
    const old = pod({ containers: [{ name: 'a', image: 'x' }], nodeName: 'n1' }, { resourceVersion: '5' });
    old.status = { phase: 'Running', podIP: '10.0.0.5' };
    const main = pod({ containers: [{ name: 'a', image: 'y' }], nodeName: 'n1' });
    main.status = { phase: 'Failed' };
    pods.prepareForUpdate(main, old);
    expect(main.status).toEqual({ phase: 'Running', podIP: '10.0.0.5' });
    const viaStatus = pod({ containers: [{ name: 'a', image: 'z' }] });
    viaStatus.status = { phase: 'Succeeded' };
    pods.prepareForUpdate(viaStatus, old, 'status');
    expect(viaStatus.spec).toEqual(old.spec);
    expect(viaStatus.status).toEqual({ phase: 'Succeeded' });
  });

  it('counts deployment generations: 1 on create, +1 per spec or annotation change, never from clients', () => {
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
    const d = deployment({ selector: { matchLabels: { app: 'web' } }, template });
    d.status = { replicas: 3 };
    deployments.prepareForCreate(d);
    expect(d.metadata.generation).toBe(1);
    expect(d.status).toEqual({});
    const same = deployment({ selector: { matchLabels: { app: 'web' } }, template }, { generation: 9 });
    deployments.prepareForUpdate(same, d);
    expect(same.metadata.generation).toBe(1);
    const scaled = deployment({ selector: { matchLabels: { app: 'web' } }, template, replicas: 5 });
    deployments.prepareForUpdate(scaled, d);
    expect(scaled.metadata.generation).toBe(2);
    const annotated = deployment({ selector: { matchLabels: { app: 'web' } }, template }, { annotations: { 'deployment.kubernetes.io/revision': '2' } });
    deployments.prepareForUpdate(annotated, d);
    expect(annotated.metadata.generation).toBe(2);
    const status = deployment({ selector: { matchLabels: { app: 'web' } }, template, replicas: 7 });
    status.status = { replicas: 3, observedGeneration: 1 };
    deployments.prepareForUpdate(status, d, 'status');
    expect(status.metadata.generation).toBe(1);
    expect(status.spec).toEqual(d.spec);
  });

  it('gives new namespaces the kubernetes finalizer and Active phase', () => {
    const namespaces = info('', 'v1', 'namespaces');
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } };
    namespaces.prepareForCreate(ns);
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.status).toEqual({ phase: 'Active' });
  });

  it('generates a job selector from its uid', () => {
    const jobs = info('batch', 'v1', 'jobs');
    const job: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default', uid: 'u-1' }, spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never' } } } };
    jobs.defaults(job);
    jobs.prepareForCreate(job);
    expect(jobs.validate(job)).toEqual([]);
    expect(job.spec).toMatchObject({ selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } }, template: { metadata: { labels: { 'job-name': 'pi', 'controller-uid': 'u-1' } } } });
    const always: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x', namespace: 'default', uid: 'u-2' }, spec: { template: { spec: { containers: [{ name: 'x', image: 'x' }] } } } };
    jobs.defaults(always);
    expect(jobs.validate(always).map((e) => `${e.field}: ${e.message}`)).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
  });
});
