// The process runtime against real host processes: logs in the CRI format, exit codes and
// signals, kill by process group, exec, pod IPs.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CriError, type ContainerEvent } from '@skiff/kubelet';
import { ProcessRuntime } from '../src/process-runtime.js';
import { groupAlive } from '../src/process-group.js';
import { tcpProbe, httpProbe } from '../src/probers.js';
import { HostStatsProvider } from '../src/host-stats.js';
import { collect, containerConfig, eventually, processExists, sandboxConfig } from './helpers.js';

let root: string;
let runtime: ProcessRuntime;
let events: ContainerEvent[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'skiff-process-runtime-'));
  runtime = new ProcessRuntime({ rootDir: root, podCIDR: '127.77.0.0/24' });
  events = [];
  runtime.getContainerEvents((e) => events.push(e));
});

afterEach(async () => {
  await runtime.close();
  await rm(root, { recursive: true, force: true });
});

async function run(command: string[], extra: Parameters<typeof containerConfig>[2] = {}, name = 'app') {
  const sandboxId = await runtime.runPodSandbox(sandboxConfig());
  await runtime.pullImage('busybox:1.36');
  const id = await runtime.createContainer(sandboxId, containerConfig(name, command, extra), sandboxConfig());
  await runtime.startContainer(id);
  return { sandboxId, id };
}

const exited = (id: string) => eventually(() => events.find((e) => e.containerId === id && e.containerEventType === 'CONTAINER_STOPPED_EVENT')?.containerStatus);

describe('process runtime', () => {
  it("runs sh -c 'echo hi; sleep 30': the line is logged in CRI format and a stop by group leaves no process", async () => {
    const { id } = await run(['sh', '-c', 'echo hi; echo oops >&2; sleep 30']);
    const lines = await eventually(async () => {
      const ls = await collect(runtime.readContainerLogs(id));
      return ls.length >= 2 ? ls : undefined;
    });
    expect(lines.map((l) => [l.stream, l.tag, l.content]).sort()).toEqual([
      ['stderr', 'F', 'oops'],
      ['stdout', 'F', 'hi'],
    ]);
    const status = await runtime.containerStatus(id);
    const raw = await readFile(status.logPath, 'utf8');
    expect(raw).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z (stdout|stderr) F (hi|oops)\n/);
    const pid = runtime.pids().get(id)!;
    expect(groupAlive(pid)).toBe(true);

    await runtime.stopContainer(id, 10_000);
    const after = await runtime.containerStatus(id);
    expect(after.state).toBe('CONTAINER_EXITED');
    expect(after.exitCode).toBe(143);
    expect(after.signal).toBe(15);
    expect(groupAlive(pid)).toBe(false);
  });

  it('reports exit codes: 0 is Completed, anything else Error', async () => {
    const ok = await run(['sh', '-c', 'exit 0'], {}, 'ok');
    const bad = await run(['sh', '-c', 'exit 3'], {}, 'bad');
    expect(await exited(ok.id)).toMatchObject({ exitCode: 0, reason: 'Completed', state: 'CONTAINER_EXITED' });
    expect(await exited(bad.id)).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(events.filter((e) => e.containerId === bad.id).map((e) => e.containerEventType)).toEqual(['CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT', 'CONTAINER_STOPPED_EVENT']);
  });

  it('kills the whole process group, background children included', async () => {
    const { id } = await run(['sh', '-c', 'sleep 300 & echo child $!; wait']);
    const line = await eventually(async () => (await collect(runtime.readContainerLogs(id))).find((l) => l.content.startsWith('child ')));
    const child = Number(line.content.split(' ')[1]);
    expect(processExists(child)).toBe(true);
    await runtime.stopContainer(id, 5_000);
    await eventually(() => !processExists(child) || undefined);
    expect(processExists(child)).toBe(false);
  });

  it('escalates to SIGKILL when SIGTERM is ignored (exit 137)', async () => {
    const { id } = await run(['sh', '-c', 'trap "" TERM; echo ready; sleep 30']);
    await eventually(async () => (await collect(runtime.readContainerLogs(id))).length > 0 || undefined);
    await runtime.stopContainer(id, 200);
    expect(await runtime.containerStatus(id)).toMatchObject({ exitCode: 137, signal: 9 });
  });

  it('kills the rest of the group when the leader exits on its own', async () => {
    const { id } = await run(['sh', '-c', 'sleep 300 & echo child $!; exit 0']);
    const line = await eventually(async () => (await collect(runtime.readContainerLogs(id))).find((l) => l.content.startsWith('child ')));
    await exited(id);
    const child = Number(line.content.split(' ')[1]);
    await eventually(() => !processExists(child) || undefined);
  });

  it("exec runs in the container's env and working dir and returns stdout, stderr and the exit code", async () => {
    const { id } = await run(['sleep', '30'], { envs: [{ key: 'GREETING', value: 'hello' }], workingDir: root });
    const r = await runtime.execSync(id, ['sh', '-c', 'echo $GREETING; pwd; echo warn >&2; exit 4'], 5_000);
    expect(r).toEqual({ stdout: `hello\n${root}\n`, stderr: 'warn\n', exitCode: 4, timedOut: false });
    const slow = await runtime.execSync(id, ['sleep', '30'], 100);
    expect(slow.timedOut).toBe(true);
    const missing = await runtime.execSync(id, ['no-such-binary-here'], 1_000);
    expect(missing.exitCode).toBe(127);
  });

  it('gives each sandbox its own loopback IP, passed in POD_IP and SKIFF_POD_IP; an app can bind it', async () => {
    const server = `require('http').createServer((q, s) => s.end('ok')).listen(8080, process.env.POD_IP, () => console.log('listening ' + process.env.SKIFF_POD_IP))`;
    const { sandboxId, id } = await run([process.execPath, '-e', server]);
    const other = await runtime.runPodSandbox(sandboxConfig('other'));
    const ip = (await runtime.podSandboxStatus(sandboxId)).network.ip;
    expect(ip).toMatch(/^127\.77\.0\.\d+$/);
    expect((await runtime.podSandboxStatus(other)).network.ip).not.toBe(ip);
    await eventually(async () => (await collect(runtime.readContainerLogs(id))).some((l) => l.content === `listening ${ip}`) || undefined);
    expect(await tcpProbe(ip, 8080, 1_000)).toMatchObject({ result: 'success' });
    expect(await httpProbe({ scheme: 'HTTP', host: ip, port: 8080, path: '/', headers: [], timeoutMs: 1_000 })).toEqual({ result: 'success', output: 'ok' });
    expect((await tcpProbe(ip, 8081, 1_000)).result).toBe('failure');
  });

  it('serves logs with tail, since and follow', async () => {
    const { id } = await run(['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; sleep 0.3; echo late']);
    const all = await collect(runtime.readContainerLogs(id, { follow: true }));
    expect(all.map((l) => l.content)).toEqual(['line1', 'line2', 'line3', 'line4', 'line5', 'late']);
    expect((await collect(runtime.readContainerLogs(id, { tailLines: 2 }))).map((l) => l.content)).toEqual(['line5', 'late']);
    const since = all[5]!.timeMs;
    expect((await collect(runtime.readContainerLogs(id, { sinceTimeMs: since }))).map((l) => l.content)).toContain('late');
    expect((await collect(runtime.readContainerLogs(id, { sinceTimeMs: since }))).map((l) => l.content)).not.toContain('line1');
  });

  it('a command that cannot run fails the start and leaves an exited container (StartError, 128)', async () => {
    const sandboxId = await runtime.runPodSandbox(sandboxConfig());
    const id = await runtime.createContainer(sandboxId, containerConfig('app', ['/no/such/program']), sandboxConfig());
    await expect(runtime.startContainer(id)).rejects.toBeInstanceOf(CriError);
    expect(await runtime.containerStatus(id)).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 128, reason: 'StartError' });
  });

  it('refuses a container without a command unless its image maps to a host entrypoint', async () => {
    const sandboxId = await runtime.runPodSandbox(sandboxConfig());
    const unknown = { image: { image: 'redis:7' } };
    const id = await runtime.createContainer(sandboxId, containerConfig('app', [], unknown), sandboxConfig());
    await expect(runtime.startContainer(id)).rejects.toMatchObject({ code: 'InvalidArgument' });
    const mapped = new ProcessRuntime({ rootDir: root, podCIDR: '127.78.0.0/24', imageEntrypoints: { 'redis:7': { command: ['sh', '-c'], args: ['exit 7'] } } });
    const s2 = await mapped.runPodSandbox(sandboxConfig('m'));
    const c2 = await mapped.createContainer(s2, containerConfig('app', [], unknown), sandboxConfig('m'));
    await mapped.startContainer(c2);
    expect(await eventually(async () => ((await mapped.containerStatus(c2)).state === 'CONTAINER_EXITED' ? mapped.containerStatus(c2) : undefined))).toMatchObject({ exitCode: 7 });
    await mapped.close();
  });

  it('stopPodSandbox kills every container at once and releases the IP; removePodSandbox forgets them', async () => {
    const { sandboxId, id } = await run(['sleep', '30']);
    await runtime.stopPodSandbox(sandboxId);
    expect((await runtime.containerStatus(id)).exitCode).toBe(137);
    expect((await runtime.podSandboxStatus(sandboxId)).state).toBe('SANDBOX_NOTREADY');
    await runtime.removePodSandbox(sandboxId);
    await expect(runtime.containerStatus(id)).rejects.toMatchObject({ code: 'NotFound' });
    expect(await runtime.listPodSandbox()).toEqual([]);
  });

  it('reports host and per-pod stats for the eviction manager', async () => {
    await run(['sh', '-c', 'sleep 30 & sleep 30 & wait']);
    const summary = await eventually(async () => {
      const s = await new HostStatsProvider(runtime, root).summary();
      return s.pods[0]?.processCount === 3 ? s : undefined;
    });
    expect(summary.node.memory!.availableBytes).toBeGreaterThan(0);
    expect(summary.node.fs!.capacityBytes).toBeGreaterThan(summary.node.fs!.availableBytes);
    expect(summary.node.rlimit!.numOfRunningProcesses).toBeGreaterThan(3);
    expect(summary.pods).toHaveLength(1);
    expect(summary.pods[0]).toMatchObject({ uid: 'uid-web', containers: [{ name: 'app' }] });
    expect(summary.pods[0]!.memoryWorkingSetBytes).toBeGreaterThan(0);
  });

  it('reports the CPU of a busy container: cumulative time and, from the second reading on, a rate', async () => {
    await run(['sh', '-c', 'while :; do :; done']);
    const stats = new HostStatsProvider(runtime, root, { minRateWindowMs: 200 });
    const summary = await eventually(async () => {
      const s = await stats.summary();
      return (s.pods[0]?.containers?.[0]?.cpu?.usageNanoCores ?? 0) > 0 ? s : undefined;
    });
    const pod = summary.pods[0]!;
    expect(pod.podRef).toMatchObject({ uid: 'uid-web' });
    expect(pod.cpu!.usageCoreNanoSeconds).toBeGreaterThan(0);
    expect(pod.cpu!.usageNanoCores).toBe(pod.containers![0]!.cpu!.usageNanoCores);
    expect(summary.node.cpu!.usageCoreNanoSeconds).toBeGreaterThan(pod.cpu!.usageCoreNanoSeconds!);
    expect(summary.node.cpu!.usageNanoCores).toBeGreaterThan(0);
  });
});
