// Pod volumes as a plan of folders and files (pkg/volume: emptydir, configmap, secret, hostpath,
// downwardapi, projected), laid out as the kubelet lays them out under the pod's data folder:
//   <podDir>/volumes/kubernetes.io~empty-dir/<name>
//   <podDir>/volumes/kubernetes.io~configmap/<name>/<key>
//   <podDir>/volumes/kubernetes.io~secret/<name>/<key>
//   <podDir>/volumes/kubernetes.io~downward-api/<name>/<path>
//   <podDir>/volumes/kubernetes.io~projected/<name>/<path>
// hostPath volumes use the host path itself, persistentVolumeClaim volumes their bound PV's path. Files are written when the pod is prepared (later
// label or ConfigMap changes are not projected again). Projected service account tokens are not
// supported. Pure: a VolumeHost (an adapter) carries it out.
import type { ConfigMap, Container, Pod, Secret } from '@skiff/api';
import { resolveClaimVolume } from './claim-volume.js';
import type { Mount } from './cri.js';
import { decodeSecretValue, type ObjectLookup } from './container-env.js';
import { DownwardAPIError, podFieldValue, resourceFieldValue, type ResourceFieldRef } from './downward-api.js';

export class VolumeError extends Error {
  override readonly name = 'VolumeError';
}

export interface VolumeFile {
  /** Relative to the volume's folder. */
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export type VolumeSetup =
  | { readonly type: 'emptyDir'; readonly name: string; readonly hostPath: string }
  | { readonly type: 'configMap' | 'secret' | 'downwardAPI' | 'projected'; readonly name: string; readonly hostPath: string; readonly files: readonly VolumeFile[] }
  | { readonly type: 'hostPath'; readonly name: string; readonly hostPath: string; readonly hostPathType: string };

/** Carries out a plan on the host (an adapter implements it). */
export interface VolumeHost {
  setUp(podDir: string, volumes: readonly VolumeSetup[]): Promise<void>;
  /** Removes the pod's data folder (never a hostPath volume). */
  tearDown(podDir: string): Promise<void>;
}

const DEFAULT_MODE = 0o644;

export function podDataDir(podsDir: string, podUID: string): string {
  return `${podsDir}/${podUID}`;
}

function volumeDir(podDir: string, plugin: string, name: string): string {
  return `${podDir}/volumes/kubernetes.io~${plugin}/${name}`;
}

function checkRelative(path: string): string {
  if (path === '' || path.startsWith('/') || path.split('/').includes('..')) throw new VolumeError(`invalid path ${JSON.stringify(path)}: must be relative and may not contain '..'`);
  return path;
}

type KeyToPath = { key: string; path: string; mode?: number };

function projectFiles(data: Readonly<Record<string, string>>, items: readonly KeyToPath[] | undefined, defaultMode: number, what: string, optional: boolean): VolumeFile[] {
  if (items === undefined || items.length === 0) return Object.entries(data).map(([key, content]) => ({ path: checkRelative(key), content, mode: defaultMode }));
  const files: VolumeFile[] = [];
  for (const item of items) {
    const content = data[item.key];
    if (content === undefined) {
      if (optional) continue;
      throw new VolumeError(`${what} references non-existent config key: ${item.key}`);
    }
    files.push({ path: checkRelative(item.path), content, mode: item.mode ?? defaultMode });
  }
  return files;
}

function configMapFiles(cm: ConfigMap | undefined): Record<string, string> {
  if (cm === undefined) return {};
  const binary = Object.fromEntries(Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, decodeSecretValue(v)]));
  return { ...binary, ...(cm.data ?? {}) };
}

function secretFiles(s: Secret | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(s?.data ?? {}).map(([k, v]) => [k, decodeSecretValue(v)]));
}

interface DownwardAPIItem {
  readonly path: string;
  readonly fieldRef?: { readonly fieldPath: string };
  readonly resourceFieldRef?: ResourceFieldRef;
  readonly mode?: number;
}

/** downwardAPI volume items: metadata fields (labels and annotations as `key="value"` lines) and container resources. */
function downwardFiles(pod: Pod, items: readonly DownwardAPIItem[], defaultMode: number): VolumeFile[] {
  return items.map((item) => {
    let content: string;
    try {
      if (item.fieldRef !== undefined) content = podFieldValue(item.fieldRef.fieldPath, pod, { podIP: '', hostIP: '' });
      else if (item.resourceFieldRef !== undefined) {
        const container = (pod.spec?.containers ?? []).find((c) => c.name === item.resourceFieldRef?.containerName);
        if (container === undefined) throw new DownwardAPIError(`container ${item.resourceFieldRef.containerName ?? ''} not found in the pod`);
        content = resourceFieldValue(item.resourceFieldRef, pod, container);
      } else throw new DownwardAPIError(`item ${item.path} has neither fieldRef nor resourceFieldRef`);
    } catch (err) {
      throw new VolumeError(`downwardAPI ${item.path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { path: checkRelative(item.path), content, mode: item.mode ?? defaultMode };
  });
}

interface ProjectionSource {
  readonly configMap?: { readonly name?: string; readonly items?: KeyToPath[]; readonly optional?: boolean };
  readonly secret?: { readonly name?: string; readonly items?: KeyToPath[]; readonly optional?: boolean };
  readonly downwardAPI?: { readonly items?: DownwardAPIItem[] };
  readonly serviceAccountToken?: unknown;
}

function projectedFiles(pod: Pod, sources: readonly ProjectionSource[], defaultMode: number, lookup: ObjectLookup): VolumeFile[] {
  const ns = pod.metadata.namespace ?? 'default';
  return sources.flatMap((src): VolumeFile[] => {
    if (src.configMap !== undefined) {
      const name = src.configMap.name ?? '';
      const cm = lookup.configMap(ns, name);
      if (cm === undefined && src.configMap.optional !== true) throw new VolumeError(`configmap "${name}" not found`);
      return projectFiles(configMapFiles(cm), src.configMap.items, defaultMode, `configMap ${name}`, src.configMap.optional === true);
    }
    if (src.secret !== undefined) {
      const name = src.secret.name ?? '';
      const secret = lookup.secret(ns, name);
      if (secret === undefined && src.secret.optional !== true) throw new VolumeError(`secret "${name}" not found`);
      return projectFiles(secretFiles(secret), src.secret.items, defaultMode, `secret ${name}`, src.secret.optional === true);
    }
    if (src.downwardAPI !== undefined) return downwardFiles(pod, src.downwardAPI.items ?? [], defaultMode);
    throw new VolumeError('projected volume: only configMap, secret and downwardAPI sources are supported (no serviceAccountToken)');
  });
}

/** Throws VolumeError for a missing ConfigMap/Secret/key that is not optional, or an unsupported volume. */
export function planPodVolumes(pod: Pod, podDir: string, lookup: ObjectLookup): VolumeSetup[] {
  const ns = pod.metadata.namespace ?? 'default';
  return (pod.spec?.volumes ?? []).map((v): VolumeSetup => {
    if (v.emptyDir !== undefined) return { type: 'emptyDir', name: v.name, hostPath: volumeDir(podDir, 'empty-dir', v.name) };
    if (v.hostPath !== undefined) return { type: 'hostPath', name: v.name, hostPath: v.hostPath.path, hostPathType: v.hostPath.type ?? '' };
    if (v.persistentVolumeClaim !== undefined) {
      const r = resolveClaimVolume(ns, v.persistentVolumeClaim.claimName, lookup);
      if (r.type === 'waiting') throw new VolumeError(`volume ${v.name}: ${r.message}`);
      return { type: 'hostPath', name: v.name, hostPath: r.hostPath, hostPathType: r.hostPathType };
    }
    if (v.configMap !== undefined) {
      const name = v.configMap.name ?? '';
      const optional = v.configMap.optional === true;
      const cm = lookup.configMap(ns, name);
      if (cm === undefined && !optional) throw new VolumeError(`configmap "${name}" not found`);
      const files = projectFiles(configMapFiles(cm), v.configMap.items, v.configMap.defaultMode ?? DEFAULT_MODE, `configMap ${name}`, optional);
      return { type: 'configMap', name: v.name, hostPath: volumeDir(podDir, 'configmap', v.name), files };
    }
    if (v.secret !== undefined) {
      const name = v.secret.secretName ?? '';
      const optional = v.secret.optional === true;
      const s = lookup.secret(ns, name);
      if (s === undefined && !optional) throw new VolumeError(`secret "${name}" not found`);
      const files = projectFiles(secretFiles(s), v.secret.items, v.secret.defaultMode ?? DEFAULT_MODE, `secret ${name}`, optional);
      return { type: 'secret', name: v.name, hostPath: volumeDir(podDir, 'secret', v.name), files };
    }
    if (v.downwardAPI !== undefined) {
      const files = downwardFiles(pod, (v.downwardAPI.items ?? []) as DownwardAPIItem[], v.downwardAPI.defaultMode ?? DEFAULT_MODE);
      return { type: 'downwardAPI', name: v.name, hostPath: volumeDir(podDir, 'downward-api', v.name), files };
    }
    if (v.projected !== undefined) {
      const files = projectedFiles(pod, (v.projected.sources ?? []) as ProjectionSource[], v.projected.defaultMode ?? DEFAULT_MODE, lookup);
      return { type: 'projected', name: v.name, hostPath: volumeDir(podDir, 'projected', v.name), files };
    }
    throw new VolumeError(`volume ${v.name}: only emptyDir, configMap, secret, downwardAPI, projected, hostPath and persistentVolumeClaim volumes are supported`);
  });
}

/** CRI mounts of a container: each volumeMount to its volume's host folder (plus subPath). */
export function containerMounts(container: Container, volumes: readonly VolumeSetup[]): Mount[] {
  return (container.volumeMounts ?? []).map((m) => {
    const volume = volumes.find((v) => v.name === m.name);
    if (volume === undefined) throw new VolumeError(`container ${container.name}: volumeMount ${m.name} has no volume`);
    const sub = m.subPath === undefined || m.subPath === '' ? '' : `/${checkRelative(m.subPath)}`;
    return { containerPath: m.mountPath, hostPath: `${volume.hostPath}${sub}`, readonly: m.readOnly === true };
  });
}
