// Protobuf and Go-JSON rules the decoder follows, each on a small hand-built body.
import { describe, expect, it } from 'vitest';
import { ProtobufDecodeError, ProtobufErrorCode, decodeKubeProtobuf, type JsonObject } from '../src/index.js';
import { ProtoWriter, kubeEnvelope, objectMeta } from './wire-writer.js';

function decode(apiVersion: string, kind: string, build: (w: ProtoWriter) => void): JsonObject {
  return decodeKubeProtobuf(kubeEnvelope(apiVersion, kind, build)).object;
}

function errorOf(bytes: Uint8Array): ProtobufDecodeError {
  try {
    decodeKubeProtobuf(bytes);
  } catch (error) {
    if (error instanceof ProtobufDecodeError) return error;
    throw error;
  }
  throw new Error('expected a ProtobufDecodeError');
}

const T_2024_03_01 = 1709251200; // 2024-03-01T00:00:00Z

describe('ObjectMeta', () => {
  it('decodes the fields a client may set or the server may send back', () => {
    const meta = decode('v1', 'ConfigMap', (cm) =>
      cm.message(1, (m) =>
        m
          .string(1, 'web')
          .string(2, 'web-')
          .string(3, 'prod')
          .string(5, 'uid-1')
          .string(6, '17')
          .int(7, 3) // generation
          .message(8, (t) => t.int(1, T_2024_03_01).int(2, 999)) // creationTimestamp, nanos dropped
          .message(9, (t) => t.int(1, T_2024_03_01 + 30)) // deletionTimestamp
          .int(10, 30) // deletionGracePeriodSeconds
          .stringMap(11, { app: 'web' })
          .stringMap(12, { note: 'multi\nline' })
          .message(13, (o) => o.string(1, 'ReplicaSet').string(3, 'web-1').string(4, 'rs-uid').string(5, 'apps/v1').int(6, true).int(7, true))
          .string(14, 'example.com/cleanup')
          .message(17, (mf) =>
            mf
              .string(1, 'kubectl-create')
              .string(2, 'Update')
              .string(3, 'v1')
              .message(4, (t) => t.int(1, T_2024_03_01))
              .string(6, 'FieldsV1')
              .message(7, (f) => f.string(1, '{"f:data":{".":{},"f:a":{}}}')),
          ),
      ),
    ).metadata;

    expect(meta).toEqual({
      name: 'web',
      generateName: 'web-',
      namespace: 'prod',
      uid: 'uid-1',
      resourceVersion: '17',
      generation: 3,
      creationTimestamp: '2024-03-01T00:00:00Z',
      deletionTimestamp: '2024-03-01T00:00:30Z',
      deletionGracePeriodSeconds: 30,
      labels: { app: 'web' },
      annotations: { note: 'multi\nline' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', uid: 'rs-uid', apiVersion: 'apps/v1', controller: true, blockOwnerDeletion: true }],
      finalizers: ['example.com/cleanup'],
      managedFields: [
        {
          manager: 'kubectl-create',
          operation: 'Update',
          apiVersion: 'v1',
          time: '2024-03-01T00:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
        },
      ],
    });
  });

  it('serves times before 1970 and at year 0, and rejects years Go cannot marshal', () => {
    const at = (seconds: number): JsonObject =>
      decode('v1', 'ConfigMap', (cm) => cm.message(1, (m) => m.message(8, (t) => t.int(1, seconds))));
    expect(at(-1).metadata).toEqual({ creationTimestamp: '1969-12-31T23:59:59Z' });
    expect(at(-62167219200).metadata).toEqual({ creationTimestamp: '0000-01-01T00:00:00Z' });
    expect(at(0).metadata).toEqual({ creationTimestamp: '1970-01-01T00:00:00Z' });
    const error = errorOf(kubeEnvelope('v1', 'ConfigMap', (cm) => cm.message(1, (m) => m.message(8, (t) => t.int(1, 253402300800)))));
    expect(error.code).toBe(ProtobufErrorCode.Malformed);
    expect(error.message).toContain('timestamp');
  });

  it('keeps map keys such as "__proto__" as plain own keys', () => {
    // JSON.parse makes "__proto__" an own key (an object literal would set the prototype instead).
    const keys = JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<string, string>;
    const object = decode('v1', 'ConfigMap', (cm) => cm.stringMap(2, keys));
    expect(JSON.stringify(object.data)).toBe('{"__proto__":"x","constructor":"y"}');
    expect(Object.getPrototypeOf(object.data)).toBe(Object.prototype);
    expect(Object.prototype).not.toHaveProperty('x');
  });
});

describe('a pod template beyond the generators', () => {
  it('decodes env sources, volumes, probes, resources, scheduling and security settings', () => {
    const body = kubeEnvelope('v1', 'Pod', (pod) =>
      pod.message(1, (m) => objectMeta(m, { name: 'app' })).message(2, (spec) =>
        spec
          .message(1, (v) => v.string(1, 'config').message(2, (src) => src.message(19, (cm) => cm.message(1, (r) => r.string(1, 'app-config')).message(2, (k) => k.string(1, 'a').string(2, 'a.txt')).int(3, 0o644))))
          .message(1, (v) => v.string(1, 'scratch').message(2, (src) => src.message(2, (ed) => ed.string(1, 'Memory').message(2, (q) => q.string(1, '64Mi')))))
          .message(1, (v) => v.string(1, 'data').message(2, (src) => src.message(10, (pvc) => pvc.string(1, 'data-0').int(2, true))))
          .message(20, (c) => c.string(1, 'init').string(2, 'busybox').string(4, 'true'))
          .message(20, (c) => c.string(1, 'proxy').string(2, 'envoy').string(24, 'Always')) // a sidecar
          .message(2, (c) =>
            c
              .string(1, 'app')
              .string(2, 'registry.local/app:1.2')
              .string(5, '/srv')
              .message(7, (e) => e.string(1, 'MODE').string(2, 'prod'))
              .message(7, (e) => e.string(1, 'PASSWORD').message(3, (vf) => vf.message(4, (sk) => sk.message(1, (r) => r.string(1, 'db')).string(2, 'password'))))
              .message(7, (e) => e.string(1, 'POD').message(3, (vf) => vf.message(1, (fr) => fr.string(1, 'v1').string(2, 'metadata.name'))))
              .message(19, (ef) => ef.string(1, 'CFG_').message(2, (cm) => cm.message(1, (r) => r.string(1, 'app-config')).int(2, true)))
              .message(8, (r) =>
                r
                  .message(1, (e) => e.string(1, 'cpu').message(2, (q) => q.string(1, '500m')))
                  .message(1, (e) => e.string(1, 'memory').message(2, (q) => q.string(1, '256Mi')))
                  .message(2, (e) => e.string(1, 'cpu').message(2, (q) => q.string(1, '250m'))),
              )
              .message(9, (vm) => vm.string(1, 'config').int(2, true).string(3, '/etc/app'))
              .message(10, (p) => p.message(1, (h) => h.message(2, (g) => g.string(1, '/healthz').message(2, (port) => port.int(1, 1).string(3, 'http')))).int(2, 5).int(4, 10))
              .message(11, (p) => p.message(1, (h) => h.message(3, (tcp) => tcp.message(1, (port) => port.int(2, 8080)))))
              .message(12, (l) => l.message(2, (h) => h.message(1, (ex) => ex.string(1, 'sh').string(1, '-c').string(1, 'sleep 5'))))
              .string(14, 'IfNotPresent')
              .message(15, (sc) => sc.int(4, 0).int(5, false).int(7, false).message(1, (caps) => caps.string(2, 'ALL'))),
          )
          .int(4, 0) // terminationGracePeriodSeconds (*int64) 0
          .string(6, 'ClusterFirst')
          .stringMap(7, { disktype: 'ssd' })
          .string(8, 'app-sa')
          .message(14, (psc) => psc.int(2, 1000).int(4, 1000).int(4, 2000).int(5, 3000))
          .message(18, (aff) =>
            aff.message(1, (na) =>
              na.message(1, (ns) => ns.message(1, (term) => term.message(1, (req) => req.string(1, 'zone').string(2, 'In').string(3, 'a').string(3, 'b')))),
            ),
          )
          .message(22, (t) => t.string(1, 'node.kubernetes.io/unreachable').string(2, 'Exists').string(4, 'NoExecute').int(5, 300))
          .int(25, 0) // priority (*int32) 0
          .message(33, (tsc) => tsc.int(1, 1).string(2, 'zone').string(3, 'DoNotSchedule').message(4, (sel) => sel.stringMap(1, { app: 'app' }))),
      ),
    );

    expect(decodeKubeProtobuf(body).object.spec).toEqual({
      volumes: [
        { name: 'config', configMap: { name: 'app-config', items: [{ key: 'a', path: 'a.txt' }], defaultMode: 420 } },
        { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data-0', readOnly: true } },
      ],
      initContainers: [
        { name: 'init', image: 'busybox', args: ['true'] },
        { name: 'proxy', image: 'envoy', restartPolicy: 'Always' },
      ],
      containers: [
        {
          name: 'app',
          image: 'registry.local/app:1.2',
          workingDir: '/srv',
          env: [
            { name: 'MODE', value: 'prod' },
            { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
            { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          ],
          envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'app-config', optional: true } }],
          resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '250m' } },
          volumeMounts: [{ name: 'config', readOnly: true, mountPath: '/etc/app' }],
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 10 },
          readinessProbe: { tcpSocket: { port: 8080 } },
          lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 5'] } } },
          imagePullPolicy: 'IfNotPresent',
          securityContext: { runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
      terminationGracePeriodSeconds: 0,
      dnsPolicy: 'ClusterFirst',
      nodeSelector: { disktype: 'ssd' },
      serviceAccountName: 'app-sa',
      securityContext: { runAsUser: 1000, supplementalGroups: [1000, 2000], fsGroup: 3000 },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
          },
        },
      },
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      priority: 0,
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'app' } } }],
    });
  });
});

describe('protobuf semantics', () => {
  it('skips unknown fields of every wire type, in any message', () => {
    const object = decode('v1', 'ConfigMap', (cm) =>
      cm
        .int(99, -5)
        .fixed64(100, 7n)
        .fixed32(101, 7)
        .string(102, 'newer field')
        .message(1, (m) => m.string(1, 'cfg').message(400, (x) => x.string(1, 'nested unknown')))
        .stringMap(2, { a: 'b' }),
    );
    expect(object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: 'b' } });
  });

  it('lets the last value of a singular field win, zero included', () => {
    const object = decode('v1', 'Secret', (s) => s.string(3, 'Opaque').string(3, 'kubernetes.io/tls').message(1, (m) => m.string(1, 'a').string(1, '')));
    expect(object).toEqual({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: {} });
  });

  it('merges an embedded message that appears twice', () => {
    const object = decode('v1', 'ConfigMap', (cm) => cm.message(1, (m) => m.string(1, 'cfg')).message(1, (m) => m.string(3, 'ns').stringMap(11, { a: '1' })));
    expect(object.metadata).toEqual({ name: 'cfg', namespace: 'ns', labels: { a: '1' } });
  });

  it('accepts repeated integers packed or not', () => {
    const groups = (build: (psc: ProtoWriter) => void): unknown =>
      (decode('v1', 'Pod', (p) => p.message(2, (spec) => spec.message(14, build))).spec as JsonObject).securityContext;
    expect(groups((psc) => psc.int(4, 1).int(4, 2))).toEqual({ supplementalGroups: [1, 2] });
    expect(groups((psc) => psc.bytes(4, new ProtoWriter().varint(1).varint(300).varint(-1n).finish()))).toEqual({ supplementalGroups: [1, 300, -1] });
  });

  it('gives a map entry without a value the zero value, as Go does', () => {
    const object = decode('v1', 'ConfigMap', (cm) => cm.message(2, (e) => e.string(1, 'k')).message(3, (e) => e.string(1, 'b')));
    expect(object).toMatchObject({ data: { k: '' }, binaryData: { b: '' } });
  });

  it('rejects a known field with the wrong wire type, naming the offset', () => {
    // ConfigMap.metadata (1) sent as a varint
    const body = kubeEnvelope('v1', 'ConfigMap', (cm) => cm.int(1, 5));
    const error = errorOf(body);
    expect(error.code).toBe(ProtobufErrorCode.Malformed);
    expect(error.message).toContain('wire type 0');
    expect(body[error.offset]).toBe(0x08);
  });

  it('rejects an IntOrString of an impossible type', () => {
    const body = kubeEnvelope('policy/v1', 'PodDisruptionBudget', (p) => p.message(2, (spec) => spec.message(1, (i) => i.int(1, 2))));
    expect(errorOf(body).message).toContain('IntOrString');
  });

  it('rejects managedFields whose FieldsV1 is not JSON', () => {
    const body = kubeEnvelope('v1', 'ConfigMap', (cm) => cm.message(1, (m) => m.message(17, (mf) => mf.message(7, (f) => f.string(1, '{nope')))));
    expect(errorOf(body).message).toContain('FieldsV1');
  });
});

describe('the envelope', () => {
  it('rejects bodies without the k8s\\0 magic', () => {
    expect(errorOf(new TextEncoder().encode('{"kind":"ConfigMap"}')).code).toBe(ProtobufErrorCode.NotKubeProtobuf);
    expect(errorOf(Uint8Array.of(0x6b, 0x38)).code).toBe(ProtobufErrorCode.NotKubeProtobuf);
  });

  it('names an unsupported kind so the server can answer 415', () => {
    const error = errorOf(kubeEnvelope('apps/v1', 'StatefulSet', () => {}));
    expect(error.code).toBe(ProtobufErrorCode.UnsupportedKind);
    expect(error.message).toContain('apps/v1, Kind=StatefulSet');
  });

  it('refuses a content encoding it does not implement', () => {
    const error = errorOf(kubeEnvelope('v1', 'ConfigMap', () => {}, { contentEncoding: 'gzip' }));
    expect(error.code).toBe(ProtobufErrorCode.UnsupportedEncoding);
  });

  it('needs a kind', () => {
    const body = Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...new ProtoWriter().message(1, (t) => t.string(1, 'v1')).finish()]);
    expect(errorOf(body).message).toContain('no kind');
  });

  it('decodes an object with no raw bytes as an object with no fields', () => {
    const body = Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...new ProtoWriter().message(1, (t) => t.string(1, 'v1').string(2, 'DeleteOptions')).finish()]);
    expect(decodeKubeProtobuf(body).object).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions' });
  });

  it('points a truncated body at the length that overruns', () => {
    const body = kubeEnvelope('v1', 'ConfigMap', (cm) => cm.message(1, (m) => m.string(1, 'cfg')));
    const cut = body.subarray(0, body.length - 6); // inside raw, before contentEncoding/contentType
    const error = errorOf(cut);
    expect(error.code).toBe(ProtobufErrorCode.Truncated);
    // the raw field (tag 0x12) starts right after the 4 magic bytes and the typeMeta field
    const rawTag = 4 + 2 + (body[5] ?? 0);
    expect(body[rawTag]).toBe(0x12);
    expect(error.offset).toBe(rawTag + 1);
  });
});
