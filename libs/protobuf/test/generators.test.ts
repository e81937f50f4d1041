// Objects shaped like the ones `kubectl create ...` builds, written field by field with the numbers of
// the generated.proto files (the way Go's gogo marshaller writes them: every non-pointer field, zeros
// included), decoded, and compared with the JSON Kubernetes serves for them.
import { describe, expect, it } from 'vitest';
import { decodeKubeProtobuf } from '../src/index.js';
import { kubeEnvelope, objectMeta, type ProtoWriter } from './wire-writer.js';

/** core/v1 Container: name=1 image=2 workingDir=5 resources=8 terminationMessagePath=13 imagePullPolicy=14
 *  stdin=16 stdinOnce=17 tty=18 terminationMessagePolicy=20. */
function generatorContainer(w: ProtoWriter, name: string, image: string): void {
  w.string(1, name)
    .string(2, image)
    .string(5, '')
    .message(8, () => {})
    .string(13, '')
    .string(14, '')
    .int(16, false)
    .int(17, false)
    .int(18, false)
    .string(20, '');
}

/** core/v1 PodSpec zero fields: restartPolicy=3 dnsPolicy=6 serviceAccountName=8 serviceAccount=9
 *  nodeName=10 hostNetwork=11 hostPID=12 hostIPC=13 hostname=16 subdomain=17 schedulerName=19
 *  priorityClassName=24. */
function podSpecZeros(w: ProtoWriter, restartPolicy = ''): void {
  w.string(3, restartPolicy)
    .string(6, '')
    .string(8, '')
    .string(9, '')
    .string(10, '')
    .int(11, false)
    .int(12, false)
    .int(13, false)
    .string(16, '')
    .string(17, '')
    .string(19, '')
    .string(24, '');
}

describe('kubectl create generators', () => {
  it('deployment web --image=nginx --replicas=3 --port=80', () => {
    const body = kubeEnvelope('apps/v1', 'Deployment', (d) =>
      d
        .message(1, (m) => objectMeta(m, { name: 'web', labels: { app: 'web' } }))
        .message(2, (spec) =>
          spec
            .int(1, 3) // replicas (*int32)
            .message(2, (sel) => sel.stringMap(1, { app: 'web' })) // selector.matchLabels
            .message(3, (tpl) =>
              tpl
                .message(1, (m) => objectMeta(m, { labels: { app: 'web' } }))
                .message(2, (pod) => {
                  pod.message(2, (c) => {
                    generatorContainer(c, 'nginx', 'nginx');
                    c.message(6, (p) => p.string(1, '').int(2, 0).int(3, 80).string(4, '').string(5, '')); // ContainerPort
                  });
                  podSpecZeros(pod);
                }),
            )
            .message(4, (s) => s.string(1, '')) // strategy {type: ""}
            .int(5, 0) // minReadySeconds
            .int(7, false), // paused
        )
        .message(3, (st) => st.int(1, 0).int(2, 0).int(3, 0).int(4, 0).int(5, 0).int(7, 0)),
    );

    const decoded = decodeKubeProtobuf(body);

    expect(decoded.apiVersion).toBe('apps/v1');
    expect(decoded.kind).toBe('Deployment');
    expect(decoded.object).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('deployment with a rolling update strategy keeps maxUnavailable: 0 (a *IntOrString)', () => {
    const body = kubeEnvelope('apps/v1', 'Deployment', (d) =>
      d.message(2, (spec) =>
        spec
          .int(1, 0) // replicas: 0 is an explicit scale to zero
          .message(4, (s) =>
            s.string(1, 'RollingUpdate').message(2, (ru) =>
              ru
                .message(1, (i) => i.int(1, 0).int(2, 0).string(3, '')) // maxUnavailable = 0
                .message(2, (i) => i.int(1, 1).int(2, 0).string(3, '25%')), // maxSurge = "25%"
            ),
          )
          .int(6, 5) // revisionHistoryLimit
          .int(9, 600), // progressDeadlineSeconds
      ),
    );

    expect(decodeKubeProtobuf(body).object.spec).toEqual({
      replicas: 0,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      revisionHistoryLimit: 5,
      progressDeadlineSeconds: 600,
    });
  });

  it('autoscale deployment web --min=2 --max=10 --cpu-percent=80 (autoscaling/v1)', () => {
    const body = kubeEnvelope('autoscaling/v1', 'HorizontalPodAutoscaler', (hpa) =>
      hpa
        .message(1, (m) => objectMeta(m, { name: 'web' }))
        .message(2, (spec) =>
          spec
            .message(1, (ref) => ref.string(1, 'Deployment').string(2, 'web').string(3, 'apps/v1')) // scaleTargetRef
            .int(2, 2) // minReplicas (*int32)
            .int(3, 10) // maxReplicas
            .int(4, 80), // targetCPUUtilizationPercentage (*int32)
        )
        .message(3, (st) => st.int(3, 0).int(4, 0)),
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 80 },
      status: { currentReplicas: 0, desiredReplicas: 0 },
    });
  });

  it('configmap --from-literal=a=b --from-file=bin (binaryData) with immutable=false', () => {
    const body = kubeEnvelope('v1', 'ConfigMap', (cm) =>
      cm
        .message(1, (m) => objectMeta(m, { name: 'cfg', namespace: 'team' }))
        .stringMap(2, { a: 'b', empty: '' }) // data
        .message(3, (e) => e.string(1, 'bin').bytes(2, [0, 1, 254, 255])) // binaryData
        .int(4, false), // immutable (*bool): false was set, so it stays
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'team' },
      data: { a: 'b', empty: '' },
      binaryData: { bin: 'AAH+/w==' },
      immutable: false,
    });
  });

  it('secret generic --from-literal with stringData and a type', () => {
    const body = kubeEnvelope('v1', 'Secret', (s) =>
      s
        .message(1, (m) => objectMeta(m, { name: 'creds' }))
        .message(2, (e) => e.string(1, 'password').bytes(2, new TextEncoder().encode('s3cr3t'))) // data
        .stringMap(4, { token: 'abc' }) // stringData
        .string(3, 'Opaque'), // type
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds' },
      data: { password: 'czNjcjN0' },
      stringData: { token: 'abc' },
      type: 'Opaque',
    });
  });

  it('namespace with finalizers', () => {
    const body = kubeEnvelope('v1', 'Namespace', (ns) =>
      ns
        .message(1, (m) => objectMeta(m, { name: 'prod' }))
        .message(2, (spec) => spec.string(1, 'kubernetes')) // spec.finalizers
        .message(3, (st) => st.string(1, '')), // status.phase ""
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'prod' },
      spec: { finalizers: ['kubernetes'] },
      status: {},
    });
  });

  it('service nodeport web --tcp=80:8080 --node-port=30080', () => {
    const body = kubeEnvelope('v1', 'Service', (svc) =>
      svc
        .message(1, (m) => objectMeta(m, { name: 'web', labels: { app: 'web' } }))
        .message(2, (spec) =>
          spec
            .message(1, (p) =>
              p
                .string(1, '80-8080') // name
                .string(2, 'TCP') // protocol
                .int(3, 80) // port
                .message(4, (t) => t.int(1, 0).int(2, 8080).string(3, '')) // targetPort
                .int(5, 30080), // nodePort
            )
            .message(1, (p) => p.string(1, 'metrics').string(2, '').int(3, 9090).message(4, (t) => t.int(1, 1).int(2, 0).string(3, 'http-metrics')).int(5, 0))
            .message(1, (p) => p.string(1, '').string(2, '').int(3, 53).message(4, (t) => t.int(1, 0).int(2, 0).string(3, '')).int(5, 0))
            .stringMap(2, { app: 'web' }) // selector
            .string(3, '') // clusterIP
            .string(4, 'NodePort') // type
            .string(7, '') // sessionAffinity
            .string(8, '') // loadBalancerIP
            .string(10, '') // externalName
            .string(11, '') // externalTrafficPolicy
            .int(12, 0) // healthCheckNodePort
            .int(13, false), // publishNotReadyAddresses
        )
        .message(3, (st) => st.message(1, () => {})), // status.loadBalancer {}
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        ports: [
          { name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
          { name: 'metrics', port: 9090, targetPort: 'http-metrics' },
          // targetPort 0 means "same as port" (SetDefaults_Service), so it is dropped like a zero
          { port: 53 },
        ],
        selector: { app: 'web' },
        type: 'NodePort',
      },
      status: { loadBalancer: {} },
    });
  });

  it('serviceaccount with image pull secrets and automount=false', () => {
    const body = kubeEnvelope('v1', 'ServiceAccount', (sa) =>
      sa
        .message(1, (m) => objectMeta(m, { name: 'builder' }))
        .message(3, (r) => r.string(1, 'registry')) // imagePullSecrets
        .int(4, false), // automountServiceAccountToken (*bool)
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'builder' },
      imagePullSecrets: [{ name: 'registry' }],
      automountServiceAccountToken: false,
    });
  });

  it('job pi --image=perl -- perl -Mbignum=bpi -wle "print bpi(10)"', () => {
    const body = kubeEnvelope('batch/v1', 'Job', (job) =>
      job
        .message(1, (m) => objectMeta(m, { name: 'pi' }))
        .message(2, (spec) =>
          spec
            .int(7, 4) // backoffLimit
            .message(6, (tpl) =>
              tpl.message(1, (m) => objectMeta(m, {})).message(2, (pod) => {
                pod.message(2, (c) => {
                  generatorContainer(c, 'pi', 'perl');
                  for (const arg of ['perl', '-Mbignum=bpi', '-wle', 'print bpi(10)']) c.string(3, arg); // command
                });
                podSpecZeros(pod, 'Never');
              }),
            )
            .int(10, false), // suspend (*bool)
        )
        .message(3, (st) => st.int(4, 0).int(5, 0).int(6, 0).string(7, '')),
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi' },
      spec: {
        backoffLimit: 4,
        template: {
          metadata: {},
          spec: {
            containers: [{ name: 'pi', image: 'perl', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(10)'], resources: {} }],
            restartPolicy: 'Never',
          },
        },
        suspend: false,
      },
      status: {},
    });
  });

  it('cronjob hello --image=busybox --schedule="*/1 * * * *"', () => {
    const body = kubeEnvelope('batch/v1', 'CronJob', (cj) =>
      cj
        .message(1, (m) => objectMeta(m, { name: 'hello' }))
        .message(2, (spec) =>
          spec
            .string(1, '*/1 * * * *') // schedule
            .string(3, '') // concurrencyPolicy
            .message(5, (jt) =>
              jt
                .message(1, (m) => objectMeta(m, { name: 'hello' }))
                .message(2, (js) =>
                  js.message(6, (tpl) =>
                    tpl.message(1, (m) => objectMeta(m, {})).message(2, (pod) => {
                      pod.message(2, (c) => generatorContainer(c, 'hello', 'busybox'));
                      podSpecZeros(pod, 'OnFailure');
                    }),
                  ),
                ),
            ),
        )
        .message(3, () => {}),
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'hello' },
      spec: {
        schedule: '*/1 * * * *',
        jobTemplate: {
          metadata: { name: 'hello' },
          spec: {
            template: { metadata: {}, spec: { containers: [{ name: 'hello', image: 'busybox', resources: {} }], restartPolicy: 'OnFailure' } },
          },
        },
      },
      status: {},
    });
  });

  it('role pod-reader --verb=get,list --resource=pods (core group "" survives in apiGroups)', () => {
    const body = kubeEnvelope('rbac.authorization.k8s.io/v1', 'Role', (r) =>
      r
        .message(1, (m) => objectMeta(m, { name: 'pod-reader' }))
        .message(2, (rule) => rule.string(1, 'get').string(1, 'list').string(2, '').string(3, 'pods').string(4, 'readme')),
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'pod-reader' },
      rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['readme'] }],
    });
  });

  it('clusterrole with nonResourceURLs and an aggregation rule', () => {
    const body = kubeEnvelope('rbac.authorization.k8s.io/v1', 'ClusterRole', (r) =>
      r
        .message(1, (m) => objectMeta(m, { name: 'metrics' }))
        .message(2, (rule) => rule.string(1, 'get').string(5, '/metrics'))
        .message(3, (ag) => ag.message(1, (sel) => sel.stringMap(1, { 'rbac.example.com/aggregate': 'true' }))),
    );

    expect(decodeKubeProtobuf(body).object).toMatchObject({
      rules: [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate': 'true' } }] },
    });
  });

  it('rolebinding and clusterrolebinding --role=... --user=... --serviceaccount=ns:sa', () => {
    const binding = (w: ProtoWriter): void => {
      w.message(1, (m) => objectMeta(m, { name: 'read-pods' }))
        .message(2, (s) => s.string(1, 'User').string(2, 'rbac.authorization.k8s.io').string(3, 'jane').string(4, ''))
        .message(2, (s) => s.string(1, 'ServiceAccount').string(2, '').string(3, 'ci').string(4, 'build'))
        .message(3, (ref) => ref.string(1, 'rbac.authorization.k8s.io').string(2, 'Role').string(3, 'pod-reader'));
    };

    for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
      expect(decodeKubeProtobuf(kubeEnvelope('rbac.authorization.k8s.io/v1', kind, binding)).object).toEqual({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind,
        metadata: { name: 'read-pods' },
        subjects: [
          { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' },
          { kind: 'ServiceAccount', name: 'ci', namespace: 'build' },
        ],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      });
    }
  });

  it('priorityclass low --value=0 --preemption-policy=Never (value has no omitempty)', () => {
    const body = kubeEnvelope('scheduling.k8s.io/v1', 'PriorityClass', (pc) =>
      pc
        .message(1, (m) => objectMeta(m, { name: 'low' }))
        .int(2, 0) // value
        .int(3, false) // globalDefault
        .string(4, 'batch work') // description
        .string(5, 'Never'), // preemptionPolicy (*string)
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'low' },
      value: 0,
      description: 'batch work',
      preemptionPolicy: 'Never',
    });
  });

  it('quota my-quota --hard=cpu=1,memory=1G,pods=2 --scopes=BestEffort', () => {
    const body = kubeEnvelope('v1', 'ResourceQuota', (q) =>
      q
        .message(1, (m) => objectMeta(m, { name: 'my-quota' }))
        .message(2, (spec) => {
          for (const [name, value] of [['cpu', '1'], ['memory', '1G'], ['pods', '2']] as const) {
            spec.message(1, (e) => e.string(1, name).message(2, (qty) => qty.string(1, value)));
          }
          spec.string(2, 'BestEffort');
        })
        .message(3, () => {}),
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'my-quota' },
      spec: { hard: { cpu: '1', memory: '1G', pods: '2' }, scopes: ['BestEffort'] },
      status: {},
    });
  });

  it('pdb my-pdb --selector=app=rails --min-available=50%, and a maxUnavailable of 0', () => {
    const pdb = (bound: (spec: ProtoWriter) => void): Uint8Array =>
      kubeEnvelope('policy/v1', 'PodDisruptionBudget', (p) =>
        p.message(1, (m) => objectMeta(m, { name: 'my-pdb' })).message(2, (spec) => {
          spec.message(2, (sel) => sel.stringMap(1, { app: 'rails' }));
          bound(spec);
        }),
      );

    expect(decodeKubeProtobuf(pdb((s) => s.message(1, (i) => i.int(1, 1).int(2, 0).string(3, '50%')))).object.spec).toEqual({
      selector: { matchLabels: { app: 'rails' } },
      minAvailable: '50%',
    });
    expect(decodeKubeProtobuf(pdb((s) => s.message(3, (i) => i.int(1, 0).int(2, 0).string(3, '')))).object.spec).toEqual({
      selector: { matchLabels: { app: 'rails' } },
      maxUnavailable: 0,
    });
  });

  it('ingress simple --class=default --rule="foo.com/bar*=svc1:8080,tls=my-cert" --default-backend=defsvc:http', () => {
    const body = kubeEnvelope('networking.k8s.io/v1', 'Ingress', (ing) =>
      ing
        .message(1, (m) => objectMeta(m, { name: 'simple' }))
        .message(2, (spec) =>
          spec
            .string(4, 'default') // ingressClassName
            .message(1, (b) => b.message(4, (svc) => svc.string(1, 'defsvc').message(2, (p) => p.string(1, 'http').int(2, 0)))) // defaultBackend
            .message(2, (tls) => tls.string(1, 'foo.com').string(2, 'my-cert'))
            .message(3, (rule) =>
              rule.string(1, 'foo.com').message(2, (value) =>
                value.message(1, (http) =>
                  http.message(1, (path) =>
                    path
                      .string(1, '/bar')
                      .message(2, (b) => b.message(4, (svc) => svc.string(1, 'svc1').message(2, (p) => p.string(1, '').int(2, 8080))))
                      .string(3, 'Prefix'),
                  ),
                ),
              ),
            ),
        )
        .message(3, (st) => st.message(1, () => {})),
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'simple' },
      spec: {
        ingressClassName: 'default',
        defaultBackend: { service: { name: 'defsvc', port: { name: 'http' } } },
        tls: [{ hosts: ['foo.com'], secretName: 'my-cert' }],
        // IngressRuleValue is inline: http sits beside host
        rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', backend: { service: { name: 'svc1', port: { number: 8080 } } }, pathType: 'Prefix' }] } }],
      },
      status: { loadBalancer: {} },
    });
  });
});

describe('kubectl auth and token requests', () => {
  it('auth can-i get pods --all-namespaces', () => {
    const body = kubeEnvelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', (r) =>
      r
        .message(1, (m) => objectMeta(m, {}))
        .message(2, (spec) =>
          spec.message(1, (ra) =>
            ra.string(1, '').string(2, 'get').string(3, '').string(4, '').string(5, 'pods').string(6, '').string(7, ''),
          ),
        )
        .message(3, (st) => st.int(1, false).string(2, '').string(3, '').int(4, false)),
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { verb: 'get', resource: 'pods' } },
      status: { allowed: false },
    });
  });

  it('auth can-i get /logs (non-resource)', () => {
    const body = kubeEnvelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', (r) =>
      r.message(2, (spec) => spec.message(2, (nra) => nra.string(1, '/logs').string(2, 'get'))),
    );

    expect(decodeKubeProtobuf(body).object.spec).toEqual({ nonResourceAttributes: { path: '/logs', verb: 'get' } });
  });

  it('auth can-i --list (SelfSubjectRulesReview)', () => {
    const body = kubeEnvelope('authorization.k8s.io/v1', 'SelfSubjectRulesReview', (r) =>
      r.message(2, (spec) => spec.string(1, 'dev')).message(3, (st) => st.int(3, false).string(4, '')),
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      spec: { namespace: 'dev' },
      status: { incomplete: false },
    });
  });

  it('auth whoami (SelfSubjectReview, with a status as the server would fill it)', () => {
    const body = kubeEnvelope('authentication.k8s.io/v1', 'SelfSubjectReview', (r) =>
      r.message(1, (m) => objectMeta(m, {})).message(2, (st) =>
        st.message(1, (u) =>
          u
            .string(1, 'jane')
            .string(2, '')
            .string(3, 'system:authenticated')
            .string(3, 'dev')
            .message(4, (e) => e.string(1, 'scopes').message(2, (v) => v.string(1, 'read').string(1, 'write'))),
        ),
      ),
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: {},
      status: { userInfo: { username: 'jane', groups: ['system:authenticated', 'dev'], extra: { scopes: ['read', 'write'] } } },
    });
  });

  it('create token builder --audience=api --duration=10m --bound-object-kind=Pod', () => {
    const body = kubeEnvelope('authentication.k8s.io/v1', 'TokenRequest', (t) =>
      t
        .message(1, (m) => objectMeta(m, {}))
        .message(2, (spec) =>
          spec
            .string(1, 'api')
            .message(3, (ref) => ref.string(1, 'Pod').string(2, 'v1').string(3, 'web-0').string(4, ''))
            .int(4, 600),
        )
        .message(3, (st) => st.string(1, '').message(2, () => {})),
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { audiences: ['api'], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0' }, expirationSeconds: 600 },
      status: { token: '' },
    });
  });
});

describe('delete bodies', () => {
  it('DeleteOptions: every field set, zeros of pointer fields kept', () => {
    const body = kubeEnvelope('v1', 'DeleteOptions', (o) =>
      o
        .int(1, 0) // gracePeriodSeconds (*int64): 0 means "now"
        .message(2, (p) => p.string(1, 'a1b2').string(2, '42')) // preconditions
        .int(3, false) // orphanDependents (*bool)
        .string(4, 'Foreground') // propagationPolicy
        .string(5, 'All'), // dryRun
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'a1b2', resourceVersion: '42' },
      orphanDependents: false,
      propagationPolicy: 'Foreground',
      dryRun: ['All'],
    });
  });

  it('Eviction (drain) carries DeleteOptions', () => {
    const body = kubeEnvelope('policy/v1', 'Eviction', (e) =>
      e.message(1, (m) => objectMeta(m, { name: 'web-0', namespace: 'default' })).message(2, (o) => o.int(1, 30)),
    );

    expect(decodeKubeProtobuf(body).object).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web-0', namespace: 'default' },
      deleteOptions: { gracePeriodSeconds: 30 },
    });
  });
});
