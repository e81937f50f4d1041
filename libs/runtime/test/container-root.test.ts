// Container roots on this host (root, overlayfs, unshare, nsenter): a container sees its volumes
// at their mountPaths, writes outside them stay its own, /tmp is the host's, and exec runs in
// the same root. Hosts without the means skip (the runtime then records mounts only).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContainerEvent } from '@skiff/kubelet';
import { containerRootsSupported, findExecutable } from '../src/container-root.js';
import { ProcessRuntime } from '../src/process-runtime.js';
import { collect, containerConfig, eventually, sandboxConfig } from './helpers.js';

const supported = await containerRootsSupported();

describe('findExecutable', () => {
  it('finds a bare name on PATH, a path as given, and nothing for a missing program', async () => {
    expect(await findExecutable('sh', '/nonexistent:/usr/bin:/bin', '/')).toMatch(/\/sh$/);
    expect(await findExecutable('/bin/sh', '', '/')).toBe('/bin/sh');
    expect(await findExecutable('no-such-program-here', '/usr/bin:/bin', '/')).toBeUndefined();
    expect(await findExecutable('/etc', '', '/')).toBeUndefined();
  });
});

describe.runIf(supported)('container roots', () => {
  let root: string;
  let runtime: ProcessRuntime;
  let events: ContainerEvent[];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'skiff-container-root-'));
    runtime = new ProcessRuntime({ rootDir: root, podCIDR: '127.79.0.0/24' });
    events = [];
    runtime.getContainerEvents((e) => events.push(e));
  });

  afterEach(async () => {
    await runtime.close();
    await rm(root, { recursive: true, force: true });
  });

  async function run(script: string, mounts: { containerPath: string; hostPath: string; readonly: boolean }[]): Promise<{ id: string; output: () => Promise<string> }> {
    const sandboxId = await runtime.runPodSandbox(sandboxConfig());
    const id = await runtime.createContainer(sandboxId, containerConfig('app', ['sh', '-c', script], { mounts }), sandboxConfig());
    await runtime.startContainer(id);
    const output = async (): Promise<string> => (await collect(runtime.readContainerLogs(id))).map((l) => l.content).join('\n');
    return { id, output };
  }

  const stopped = (id: string) => eventually(() => events.find((e) => e.containerId === id && e.containerEventType === 'CONTAINER_STOPPED_EVENT')?.containerStatus);

  it('mounts a volume at its mountPath, read-only when asked, and keeps other writes to itself', async () => {
    const volume = join(root, 'volumes', 'config');
    await mkdir(volume, { recursive: true });
    await writeFile(join(volume, 'special.how'), 'very');
    const marker = `/var/skiff-root-test-${Date.now()}`;
    const { id, output } = await run(`cat /etc/skiff-config/special.how; echo; touch /etc/skiff-config/x 2>/dev/null && echo writable || echo read-only; echo mine > ${marker}; cat ${marker}`, [
      { containerPath: '/etc/skiff-config', hostPath: volume, readonly: true },
    ]);
    expect(await stopped(id)).toMatchObject({ exitCode: 0 });
    expect((await output()).split('\n')).toEqual(['very', 'read-only', 'mine']);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync('/etc/skiff-config')).toBe(false);
  });

  it('shares the host /tmp and runs exec inside the same root', async () => {
    const shared = join(root, 'shared.txt');
    const volume = join(root, 'volumes', 'data');
    await mkdir(volume, { recursive: true });
    const { id } = await run(`echo from-container > ${shared}; echo in-volume > /data/file; sleep 30`, [{ containerPath: '/data', hostPath: volume, readonly: false }]);
    await eventually(async () => (existsSync(shared) ? true : undefined));
    expect((await readFile(shared, 'utf8')).trim()).toBe('from-container');
    expect((await readFile(join(volume, 'file'), 'utf8')).trim()).toBe('in-volume');
    const seen = await runtime.execSync(id, ['cat', '/data/file'], 5_000);
    expect(seen).toMatchObject({ stdout: 'in-volume\n', exitCode: 0 });
    // Its own UTS namespace: the pod's hostname, for the container and for exec.
    expect(await runtime.execSync(id, ['cat', '/proc/sys/kernel/hostname'], 5_000)).toMatchObject({ stdout: 'web\n', exitCode: 0 });
    await runtime.stopContainer(id, 1_000);
  });

  it('fails the start of a program that is not there, as without roots (StartError, 128)', async () => {
    const sandboxId = await runtime.runPodSandbox(sandboxConfig());
    const id = await runtime.createContainer(sandboxId, containerConfig('app', ['/no/such/program']), sandboxConfig());
    await expect(runtime.startContainer(id)).rejects.toThrow(/executable file not found/);
    expect(await runtime.containerStatus(id)).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 128, reason: 'StartError' });
  });
});
