import { describe, expect, it } from 'vitest';
import { invalidStatusMessage, validateObjectMeta } from '../src/index.js';
import { createErrors, deployment, deployments, info, labelMsg, pod, pods, service, services, updateErrors } from './fixtures.js';

const web = { name: 'web', image: 'nginx:1.27' };

describe('pod validation', () => {
  it('requires containers, as kubectl prints it', () => {
    const obj = pod({});
    const errs = (pods.defaults(obj), pods.validate(obj));
    expect(errs.map((e) => `${e.field}: ${e.message}`)).toEqual(['spec.containers: Required value']);
    expect(errs[0]?.type).toBe('Required');
    expect(invalidStatusMessage('Pod', '', 'web', errs)).toBe('Pod "web" is invalid: spec.containers: Required value');
  });

  it('requires an image and a DNS label name per container, and names once', () => {
    const errs = createErrors(pods, pod({ containers: [{ name: 'Bad_Name' }, web, { ...web }] }));
    expect(errs).toEqual([
      `spec.containers[0].name: Invalid value: "Bad_Name": ${labelMsg}`,
      'spec.containers[0].image: Required value',
      'spec.containers[2].name: Duplicate value: "web"',
    ]);
  });

  it('lists the supported restart policies', () => {
    expect(createErrors(pods, pod({ containers: [web], restartPolicy: 'Sometimes' }))).toEqual([
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
  });

  it('checks ports: range, names, protocols', () => {
    const ports = [
      { containerPort: 70000 },
      { containerPort: 80, name: 'http', protocol: 'FOO' },
      { containerPort: 81, name: 'http' },
      { name: 'Not-A-Name', containerPort: 82 },
    ];
    expect(createErrors(pods, pod({ containers: [{ ...web, ports }] }))).toEqual([
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].protocol: Unsupported value: "FOO": supported values: "SCTP", "TCP", "UDP"',
      'spec.containers[0].ports[2].name: Duplicate value: "http"',
      'spec.containers[0].ports[3].name: Invalid value: "Not-A-Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ]);
  });

  it('checks probes: one handler, liveness success threshold 1', () => {
    const livenessProbe = { successThreshold: 2, exec: { command: ['true'] }, tcpSocket: { port: 80 } };
    const readinessProbe = { periodSeconds: -1 };
    expect(createErrors(pods, pod({ containers: [{ ...web, livenessProbe, readinessProbe }] }))).toEqual([
      'spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      'spec.containers[0].readinessProbe: Required value: must specify a handler type',
      'spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('checks env sources and volume mounts', () => {
    const env = [
      { name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'bad key' } } },
      { name: 'C', valueFrom: { fieldRef: { fieldPath: 'spec.nope' } } },
    ];
    const volumeMounts = [{ name: 'data', mountPath: '/data' }];
    const errs = createErrors(pods, pod({ containers: [{ ...web, env, volumeMounts }] }));
    expect(errs).toContain('spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty');
    expect(errs.some((e) => e.startsWith('spec.containers[0].env[1].valueFrom.secretKeyRef.key: Invalid value: "bad key": a valid config key must consist of'))).toBe(true);
    expect(errs.some((e) => e.startsWith('spec.containers[0].env[2].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.nope": supported values: "metadata.name"'))).toBe(true);
    expect(errs).toContain('spec.containers[0].volumeMounts[0].name: Not found: "data"');
  });

  it('checks requests against limits', () => {
    const resources = { requests: { cpu: '2' }, limits: { cpu: '1000m' } };
    expect(createErrors(pods, pod({ containers: [{ ...web, resources }] }))).toEqual([
      'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1000m',
    ]);
  });

  it('checks tolerations, affinity terms and spread constraints', () => {
    const errs = createErrors(
      pods,
      pod({
        containers: [web],
        tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }, { operator: 'Equal', effect: 'Sometimes' }],
        affinity: {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
          podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, podAffinityTerm: { topologyKey: 'zone', labelSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] } } }] },
        },
        topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }],
      }),
    );
    expect(errs).toEqual([
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term',
      'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 101: must be in the range 1-100',
      "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
      'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
      'spec.tolerations[0].operator: Invalid value: core.Toleration{Key:"k", Operator:"Exists", Value:"v", Effect:"", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is \'Exists\'',
      'spec.tolerations[1].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
      'spec.tolerations[1].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ]);
  });

  it('allows image and activeDeadlineSeconds updates but no other spec change', () => {
    const old = pod({ containers: [web] });
    pods.defaults(old);
    const imageOnly = pod({ containers: [{ ...web, image: 'nginx:1.28' }], activeDeadlineSeconds: 30 });
    expect(updateErrors(pods, imageOnly, old)).toEqual([]);
    const moved = pod({ containers: [{ ...web, ports: [{ containerPort: 80 }] }] });
    const errs = updateErrors(pods, moved, old);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` \(only additions to existing tolerations\),/);
    expect(errs[0]).toContain('spec.containers[0].ports');
  });

  it('accepts a well-formed pod', () => {
    const obj = pod({
      containers: [{ ...web, ports: [{ containerPort: 80, name: 'http' }], env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], livenessProbe: { httpGet: { port: 'http' } } }],
      volumes: [{ name: 'cache' }],
      nodeSelector: { disk: 'ssd' },
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    });
    expect(createErrors(pods, obj)).toEqual([]);
  });
});

describe('object meta validation', () => {
  it('requires name or generateName and checks labels', () => {
    expect(validateObjectMeta({ namespace: 'default', labels: { 'bad key': 'ok', app: 'bad value' } }, true).map((e) => `${e.field}: ${e.message}`)).toEqual([
      'metadata.name: Required value: name or generateName is required',
      "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
  });

  it('accepts a generateName ending in a dash, requires namespaces where needed, forbids them elsewhere', () => {
    expect(validateObjectMeta({ generateName: 'web-', name: 'web-x7k2p', namespace: 'default' }, true)).toEqual([]);
    expect(validateObjectMeta({ name: 'web' }, true).map((e) => e.field)).toEqual(['metadata.namespace']);
    expect(validateObjectMeta({ name: 'n1', namespace: 'default' }, false).map((e) => e.message)).toEqual(['Forbidden: not allowed on this type']);
  });

  it('limits annotation size', () => {
    const big = 'x'.repeat(256 * 1024);
    expect(validateObjectMeta({ name: 'a', annotations: { a: big } }, false).map((e) => `${e.field}: ${e.message}`)).toEqual(['metadata.annotations: Too long: may not be more than 262144 bytes']);
  });

  it('uses DNS-1123 labels for namespaces and DNS-1035 labels for services', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } };
    expect(createErrors(info('', 'v1', 'namespaces'), ns)).toEqual(['metadata.name: Invalid value: "a.b": must not contain dots']);
    const errs = createErrors(services, service({ ports: [{ port: 80 }] }, { name: '1web' }));
    expect(errs[0]).toContain('metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character');
  });
});

describe('service validation', () => {
  it('requires ports and names them when there are several', () => {
    expect(createErrors(services, service({ selector: { app: 'web' } }))).toEqual(['spec.ports: Required value']);
    expect(createErrors(services, service({ ports: [{ port: 80 }, { port: 443, name: 'https' }] }))).toEqual(['spec.ports[0].name: Required value']);
  });

  it('checks ranges, types, node ports on ClusterIP and duplicates', () => {
    const errs = createErrors(services, service({ type: 'Fancy', ports: [{ port: 0, name: 'a', targetPort: 'Bad Name' }] }));
    expect(errs).toEqual([
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].targetPort: Invalid value: "Bad Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.type: Unsupported value: "Fancy": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
    expect(createErrors(services, service({ ports: [{ port: 80, nodePort: 30080, name: 'a' }, { port: 80, name: 'b' }] }))).toEqual([
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ]);
  });

  it('keeps an allocated cluster IP when an update leaves it out, and refuses to change it', () => {
    const old = service({ ports: [{ port: 80 }], clusterIP: '10.96.0.10' });
    services.defaults(old);
    services.prepareForCreate(old);
    expect(old.spec).toMatchObject({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] });
    const applied = service({ ports: [{ port: 8080 }] });
    expect(updateErrors(services, applied, old)).toEqual([]);
    expect(applied.spec).toMatchObject({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] });
    const moved = service({ ports: [{ port: 80 }], clusterIP: '10.96.0.11' });
    expect(updateErrors(services, moved, old)).toEqual(['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
  });

  it('needs an external name for ExternalName services', () => {
    expect(createErrors(services, service({ type: 'ExternalName' }))).toEqual(['spec.externalName: Required value']);
  });
});

describe('deployment validation', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [web] } };

  it('requires the selector to match the template labels', () => {
    const errs = createErrors(deployments, deployment({ selector: { matchLabels: { app: 'api' } }, template }));
    expect(errs).toEqual(['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']);
    const obj = deployment({ selector: { matchLabels: { app: 'api' } }, template });
    deployments.defaults(obj);
    expect(invalidStatusMessage('Deployment', 'apps', 'web', deployments.validate(obj))).toMatch(/^Deployment\.apps "web" is invalid: spec\.template/);
  });

  it('rejects empty selectors, bad strategies and template restart policies', () => {
    const errs = createErrors(
      deployments,
      deployment({
        selector: {},
        template: { ...template, spec: { containers: [web], restartPolicy: 'Never' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } },
        replicas: -1,
      }),
    );
    expect(errs).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    ]);
  });

  it('keeps the selector immutable in apps/v1', () => {
    const old = deployment({ selector: { matchLabels: { app: 'web' } }, template });
    deployments.defaults(old);
    const next = deployment({ selector: { matchLabels: { app: 'web', tier: 'fe' } }, template: { ...template, metadata: { labels: { app: 'web', tier: 'fe' } } } });
    expect(updateErrors(deployments, next, old)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"fe"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  it('checks replica sets and daemon sets the same way', () => {
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'default' }, spec: { template } };
    expect(createErrors(info('apps', 'v1', 'replicasets'), rs)).toEqual(['spec.selector: Required value']);
    const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template, updateStrategy: { rollingUpdate: { maxUnavailable: 0 } } } };
    expect(createErrors(info('apps', 'v1', 'daemonsets'), ds)).toEqual(['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']);
  });
});

describe('other kinds', () => {
  it('validates config map keys, secret types, priority classes and role bindings', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { 'bad key': 'x' } };
    expect(createErrors(info('', 'v1', 'configmaps'), cm)[0]).toMatch(/^data\[bad key\]: Invalid value: "bad key": a valid config key/);
    const tls = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, type: 'kubernetes.io/tls', data: {} };
    expect(createErrors(info('', 'v1', 'secrets'), tls)).toEqual(['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
    const pc = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 2_000_000_000 };
    expect(createErrors(info('scheduling.k8s.io', 'v1', 'priorityclasses'), pc)).toEqual(['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
    const rb = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'rb', namespace: 'default' }, roleRef: { kind: 'Pod', name: 'x' }, subjects: [{ kind: 'Robot', name: 'r2' }] };
    expect(createErrors(info('rbac.authorization.k8s.io', 'v1', 'rolebindings'), rb)).toEqual([
      'roleRef.kind: Unsupported value: "Pod": supported values: "Role", "ClusterRole"',
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    ]);
  });

  it('accepts RBAC names with colons and reviews without names', () => {
    const cr = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:node' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] };
    expect(createErrors(info('rbac.authorization.k8s.io', 'v1', 'clusterroles'), cr)).toEqual([]);
    const ssar = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } };
    expect(createErrors(info('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews'), ssar)).toEqual([]);
  });

  it('validates HPA bounds and node taints', () => {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'default' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 3, maxReplicas: 2 } };
    expect(createErrors(info('autoscaling', 'v2', 'horizontalpodautoscalers'), hpa)).toEqual(['spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`']);
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', value: 'v', effect: 'NoSchedule' }] } };
    expect(createErrors(info('', 'v1', 'nodes'), node)).toEqual([
      'spec.taints[1]: Duplicate value: core.Taint{Key:"k", Value:"v", Effect:"NoSchedule", TimeAdded:<nil>}: taints must be unique by key and effect pair',
    ]);
  });
});
