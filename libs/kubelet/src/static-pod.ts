// Static pods from manifest files (pkg/kubelet/config/common.go applyDefaults, file.go) and their
// mirror pods in the API (pkg/kubelet/pod/mirror_client.go). Pure: the kubelet service reads the
// folder and hands each file's text here.
//
// - A file holds one Pod, as YAML or JSON; anything else is a StaticPodManifestError naming the file.
// - The pod's UID is a hash of the manifest, the node and the file (a changed manifest is a new pod);
//   its name gets "-<nodeName>"; its namespace defaults to "default"; spec.nodeName is this node.
// - Annotations: kubernetes.io/config.hash (the UID), kubernetes.io/config.source ("file").
// - Its mirror pod carries kubernetes.io/config.mirror = that hash and is owned by the Node.
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { fieldErrorString, Pod as PodSchema, structuralErrors, type Pod } from '@skiff/api';
import { canonicalJson } from './container-hash.js';
import { ConfigHashAnnotationKey, ConfigMirrorAnnotationKey, ConfigSeenAnnotationKey, ConfigSourceAnnotationKey } from './labels.js';

export class StaticPodManifestError extends Error {
  override readonly name = 'StaticPodManifestError';
  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`invalid static pod manifest ${source}: ${detail}`);
  }
}

/** The manifest's one object, from JSON or a single YAML document. Throws StaticPodManifestError. */
export function decodeManifest(text: string, source: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') throw new StaticPodManifestError(source, 'the file is empty');
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch (e) {
      throw new StaticPodManifestError(source, `malformed JSON: ${(e as Error).message}`);
    }
  }
  const docs = parseAllDocuments(text).filter((d) => !(d.contents === null && d.errors.length === 0));
  if (docs.length !== 1) throw new StaticPodManifestError(source, `want exactly one YAML document, found ${docs.length}`);
  const doc = docs[0]!;
  if (doc.errors.length > 0) throw new StaticPodManifestError(source, `malformed YAML: ${doc.errors[0]!.message}`);
  return doc.toJS();
}

function check(obj: unknown, source: string): Pod {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new StaticPodManifestError(source, 'want a Pod object');
  const o = obj as Record<string, unknown>;
  if (o['kind'] !== 'Pod') throw new StaticPodManifestError(source, `kind is ${JSON.stringify(o['kind'] ?? '')}, want "Pod"`);
  if (o['apiVersion'] !== undefined && o['apiVersion'] !== 'v1') throw new StaticPodManifestError(source, `apiVersion is ${JSON.stringify(o['apiVersion'])}, want "v1"`);
  const errors = structuralErrors(PodSchema, obj);
  if (errors.length > 0) throw new StaticPodManifestError(source, errors.map(fieldErrorString).join('; '));
  const pod = obj as Pod;
  if (pod.metadata === undefined || (pod.metadata.name ?? '') === '') throw new StaticPodManifestError(source, 'metadata.name: Required value');
  const containers = pod.spec?.containers ?? [];
  if (containers.length === 0) throw new StaticPodManifestError(source, 'spec.containers: Required value');
  containers.forEach((c, i) => {
    if ((c.name ?? '') === '') throw new StaticPodManifestError(source, `spec.containers[${i}].name: Required value`);
  });
  return pod;
}

/** The static pod's name on this node (generatePodName). */
export function staticPodName(name: string, nodeName: string): string {
  return `${name}-${nodeName.toLowerCase()}`;
}

/** md5 of the manifest, the node and the file, as hex: the static pod's UID and config hash. */
export function staticPodUID(pod: Pod, nodeName: string, source: string): string {
  return createHash('md5').update(canonicalJson(pod)).update(`host:${nodeName}`).update(`file:${source}`).digest('hex');
}

export interface StaticPodOptions {
  /** Written as kubernetes.io/config.seen when given (RFC 3339). */
  readonly seenTime?: string;
  /** kubernetes.io/config.source: "file" (the default), "http" (--manifest-url) or "kubelet-api" (the kubelet's own endpoint). */
  readonly configSource?: string;
}

/** Parses and defaults one manifest file. Throws StaticPodManifestError. */
export function parseStaticPodManifest(text: string, source: string, nodeName: string, options: StaticPodOptions = {}): Pod {
  return staticPodFromObject(decodeManifest(text, source), source, nodeName, options);
}

/** Checks and defaults one decoded Pod object. Throws StaticPodManifestError. */
export function staticPodFromObject(obj: unknown, source: string, nodeName: string, options: StaticPodOptions = {}): Pod {
  const pod = check(obj, source);
  const uid = pod.metadata.uid !== undefined && pod.metadata.uid !== '' ? pod.metadata.uid : staticPodUID(pod, nodeName, source);
  return {
    ...pod,
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...pod.metadata,
      uid,
      name: staticPodName(pod.metadata.name!, nodeName),
      namespace: pod.metadata.namespace ?? 'default',
      annotations: {
        ...(pod.metadata.annotations ?? {}),
        [ConfigHashAnnotationKey]: uid,
        [ConfigSourceAnnotationKey]: options.configSource ?? 'file',
        ...(options.seenTime !== undefined ? { [ConfigSeenAnnotationKey]: options.seenTime } : {}),
      },
    },
    spec: { ...pod.spec!, nodeName },
    status: { phase: 'Pending' },
  };
}

export function isStaticPod(pod: Pod): boolean {
  const source = pod.metadata.annotations?.[ConfigSourceAnnotationKey];
  return source !== undefined && source !== 'api';
}

export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata.annotations?.[ConfigMirrorAnnotationKey] !== undefined;
}

/** The API copy of a static pod: same spec, the mirror annotation, owned by the Node. */
export function mirrorPod(staticPod: Pod, node: { readonly name: string; readonly uid: string }): Pod {
  const { uid: _uid, resourceVersion: _rv, ...metadata } = staticPod.metadata;
  const hash = staticPod.metadata.annotations?.[ConfigHashAnnotationKey] ?? staticPod.metadata.uid ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...metadata,
      annotations: { ...(staticPod.metadata.annotations ?? {}), [ConfigMirrorAnnotationKey]: hash },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid, controller: true }],
    },
    ...(staticPod.spec !== undefined ? { spec: staticPod.spec } : {}),
  };
}

/** A mirror pod is current when its mirror annotation equals the static pod's hash. */
export function mirrorPodMatches(mirror: Pod, staticPod: Pod): boolean {
  return mirror.metadata.annotations?.[ConfigMirrorAnnotationKey] === staticPod.metadata.annotations?.[ConfigHashAnnotationKey];
}
