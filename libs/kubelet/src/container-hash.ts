// The container hash (pkg/kubelet/container/helpers.go, HashContainer): a stable hash of the parts
// of a container spec that decide what runs. The kubelet stores it on the running container
// (io.kubernetes.container.hash); when the desired spec hashes differently, that container, and
// only it, is restarted.
//
// Kubernetes 1.31 hashes only name and image, the only fields the API lets change on a pod. Skiff
// hashes every field that changes the process (command, args, env, working dir, mounts, ...), so a
// changed static pod manifest or a looser validation can never leave a stale process running;
// probes, lifecycle hooks and resources are left out: changing them needs no restart.
import type { Container } from '@skiff/api';

const hashedFields = [
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'volumeMounts',
  'volumeDevices',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
] as const satisfies readonly (keyof Container)[];

/** JSON with object keys sorted and undefined members dropped: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** 32-bit FNV-1a over UTF-8 bytes, as Go's hash/fnv New32a. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Hex, as the kubelet writes the annotation (strconv.FormatUint(hash, 16)). */
export function hashContainer(container: Container): string {
  const picked: Record<string, unknown> = {};
  for (const field of hashedFields) picked[field] = container[field];
  return fnv32a(canonicalJson(picked)).toString(16);
}
