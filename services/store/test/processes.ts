// Store members as real processes for integration tests: `node --import tsx src/main.ts ...`,
// output kept in memory (shown when a test fails), SIGKILL to crash one, restart with the same
// arguments. Every child is killed when the test process exits.

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MAIN = join(REPO_ROOT, 'services', 'store', 'src', 'main.ts');

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface MemberProcess {
  readonly name: string;
  readonly running: boolean;
  output(): string;
  /** SIGKILL and wait for the exit: a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait (graceful: a leader hands over first). */
  stop(): Promise<void>;
  /** Starts again with the same arguments. */
  start(): void;
  /** Resolves with the exit code of the current incarnation. */
  exited(): Promise<number | null>;
}

export function memberProcess(name: string, args: readonly string[]): MemberProcess {
  let child: ChildProcess | undefined;
  let exit: Promise<number | null> = Promise.resolve(null);
  let out = '';
  const start = (): void => {
    const c = spawn(process.execPath, ['--import', 'tsx', MAIN, '--name', name, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, SKIFF_LOG_LEVEL: process.env['SKIFF_LOG_LEVEL'] ?? 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    live.add(c);
    const keep = (chunk: Buffer): void => {
      out = (out + chunk.toString()).slice(-20_000);
    };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    exit = new Promise((resolve) => {
      c.once('exit', (code) => {
        live.delete(c);
        if (child === c) child = undefined;
        resolve(code);
      });
    });
  };
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (c === undefined) return;
    const done = exit;
    c.kill(sig);
    await done;
  };
  start();
  return {
    name,
    get running() {
      return child !== undefined;
    },
    output: () => out,
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    start,
    exited: () => exit,
  };
}
