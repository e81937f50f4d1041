import { readFileSync } from 'node:fs';
// Configs for runtime tests.
import type { ContainerConfig, PodSandboxConfig } from '@skiff/kubelet';

export function sandboxConfig(name = 'web', uid = `uid-${name}`): PodSandboxConfig {
  return {
    metadata: { name, namespace: 'default', uid, attempt: 0 },
    hostname: name,
    logDirectory: `default_${name}_${uid}`,
    portMappings: [],
    labels: { 'io.kubernetes.pod.uid': uid },
    annotations: {},
  };
}

export function containerConfig(name: string, command: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    metadata: { name, attempt: 0 },
    image: { image: 'busybox:1.36' },
    command,
    args: [],
    workingDir: '',
    envs: [],
    mounts: [],
    labels: { 'io.kubernetes.container.name': name },
    annotations: {},
    logPath: `${name}/0.log`,
    ...extra,
  };
}

/** Polls a condition a bounded number of times (no timing assertion: only the outcome counts). */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, attempts = 400, intervalMs = 25): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error('condition not met');
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** True while the process runs (a zombie, exited and waiting to be reaped, does not count). */
export function processExists(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
