import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireStartLock, dataDirExists, LOCK_FILE, prepareDataDir, runningClusterPid } from '../src/data-dir.js';
import { ClusterRunningError, DataDirError } from '../src/errors.js';
import { isAlive, isRunning, parseProcStat, processRef, terminate } from '../src/process.js';
import { writeClusterState } from '../src/state-file.js';

describe('parseProcStat', () => {
  it('counts fields after the last parenthesis, whatever the command name', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'S';
    const text = `42 (node (x) y) ${fields.join(' ')}`;
    expect(parseProcStat(text)).toEqual({ state: 'S', pgid: 5, startTicks: 22 });
  });

  it('rejects garbage', () => {
    expect(parseProcStat('nonsense')).toBeUndefined();
  });
});

describe('process probes', () => {
  it('sees this process and pins it by start time', () => {
    const self = processRef(process.pid);
    expect(isAlive(process.pid)).toBe(true);
    expect(isRunning(self)).toBe(true);
    if (self.startTicks !== undefined) expect(isRunning({ pid: process.pid, startTicks: self.startTicks + 1 })).toBe(false);
  });

  it('terminates a child with SIGTERM and reports it gone', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const ref = processRef(child.pid!);
    expect(isRunning(ref)).toBe(true);
    // The child is reaped by this process once 'exit' fires; until then it may be a zombie, which counts as gone.
    expect(await terminate(ref, 5_000)).toBe('terminated');
    await exited;
    expect(isAlive(child.pid!)).toBe(false);
    expect(await terminate(ref, 100)).toBe('not-running');
  });

  it('kills a child that ignores SIGTERM', async () => {
    const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)"], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    expect(await terminate(processRef(child.pid!), 300)).toBe('killed');
  });
});

describe('data directory', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'skiff-dd-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates nested directories', () => {
    const dir = join(root, 'a', 'b');
    prepareDataDir(dir);
    expect(dataDirExists(dir)).toBe(true);
  });

  it('refuses a path under a file', () => {
    writeFileSync(join(root, 'file'), '');
    expect(() => prepareDataDir(join(root, 'file', 'sub'))).toThrow(DataDirError);
    expect(() => prepareDataDir(join(root, 'file'))).toThrow(/--data-dir/);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a read-only directory', () => {
    const dir = join(root, 'ro');
    mkdirSync(dir, { mode: 0o500 });
    expect(() => prepareDataDir(dir)).toThrow(DataDirError);
  });

  it('takes the start lock once; a second taker is refused while the first lives', () => {
    const lock = acquireStartLock(root, 'c');
    // This process holds the lock: runningClusterPid ignores our own pid, so probe with a state file of a live other process.
    expect(runningClusterPid(root)).toBeUndefined();
    lock.release();
    writeClusterState(root, {
      v: 1,
      cluster: 'c',
      pid: process.ppid,
      startTicks: undefined,
      natsUrls: ['nats://127.0.0.1:1'],
      managedNats: undefined,
      startedAt: new Date(0).toISOString(),
      components: [],
      nodes: 1,
      version: '0',
    });
    expect(() => acquireStartLock(root, 'c')).toThrow(ClusterRunningError);
  });

  it('replaces a stale lock left by a dead process', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    writeFileSync(join(root, LOCK_FILE), `${child.pid}\n`);
    const lock = acquireStartLock(root, 'c');
    lock.release();
    expect(dataDirExists(root)).toBe(true);
  });

  it('refuses while a live process holds the lock', () => {
    writeFileSync(join(root, LOCK_FILE), `${process.ppid}\n`);
    expect(() => acquireStartLock(root, 'c')).toThrow(ClusterRunningError);
  });
});
