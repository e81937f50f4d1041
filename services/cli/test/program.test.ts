import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram, reportError } from '../src/program.js';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

describe('command line', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'skiff-home-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out = capture();
    const err = capture();
    let code = 0;
    const program = buildProgram(
      {
        version: '9.9.9',
        home,
        cwd: home,
        self: { execPath: process.execPath, args: [] },
        components: [],
        out: out.stream,
        err: err.stream,
      },
      (c) => (code = c),
    );
    try {
      await program.parseAsync(['node', 'skiff', ...args]);
    } catch (e) {
      code = reportError(e, err.stream);
    }
    return { code, out: out.text(), err: err.text() };
  }

  it('rejects an invalid cluster name with the reason, exit 1', async () => {
    const r = await run(['up', '--cluster', 'a.b']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('invalid cluster name');
  });

  it('rejects --nats together with --nats-port', async () => {
    const r = await run(['up', '--nats', 'nats://127.0.0.1:1', '--nats-port', '4333']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('exclude each other');
  });

  it('reports an unknown cluster on status and down, with how to start it', async () => {
    const status = await run(['status', '--cluster', 'nope']);
    expect(status.code).toBe(1);
    expect(status.err).toContain('unknown cluster nope');
    expect(status.err).toContain('skiff up --cluster nope');
    const down = await run(['down', '--cluster', 'nope']);
    expect(down.code).toBe(1);
    expect(down.err).toContain('unknown cluster nope');
  });

  it('says a known cluster is not running: down exits 0, status and inspect exit 1', async () => {
    const dataDir = join(home, 'd');
    mkdirSync(dataDir);
    const down = await run(['down', '--data-dir', dataDir]);
    expect(down.code).toBe(0);
    expect(down.out).toContain('cluster local is not running');
    const status = await run(['status', '--data-dir', dataDir]);
    expect(status.code).toBe(1);
    expect(status.err).toContain('cluster local is not running');
    const inspect = await run(['inspect', '--data-dir', dataDir]);
    expect(inspect.code).toBe(1);
  });

  it('reports a data directory it cannot create', async () => {
    writeFileSync(join(home, 'file'), '');
    const r = await run(['up', '--data-dir', join(home, 'file', 'sub')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot use data directory .*--data-dir/);
  });

  it('prints its version', async () => {
    const r = await run(['--version']);
    expect(r.out).toContain('9.9.9');
    expect(r.code).toBe(0);
  });
});
