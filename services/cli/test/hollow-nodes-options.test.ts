// `--hollow-nodes M`: parsed and checked (0..HOLLOW_NODES_MAX), handed to a detached child, and
// rejected by `skiff up` with the reason and exit code 1 when bad.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OptionError } from '../src/errors.js';
import { hollowReadyTimeoutMs } from '../src/hollow-nodes.js';
import { foregroundUpArgs, HOLLOW_NODES_MAX, parseHollowNodes } from '../src/options.js';
import { buildProgram, reportError } from '../src/program.js';

describe('parseHollowNodes', () => {
  it('accepts whole numbers from 0 to the maximum', () => {
    expect(parseHollowNodes('0')).toBe(0);
    expect(parseHollowNodes('500')).toBe(500);
    expect(parseHollowNodes(String(HOLLOW_NODES_MAX))).toBe(HOLLOW_NODES_MAX);
  });

  it.each(['-1', '1.5', 'ten', '', '1e3', ' 5', String(HOLLOW_NODES_MAX + 1)])('rejects %j', (value) => {
    expect(() => parseHollowNodes(value)).toThrow(OptionError);
  });
});

describe('--hollow-nodes', () => {
  it('reaches a detached child, and is left out when there are none', () => {
    const base = { cluster: 'c1', nodes: 2, dataDir: '/d', natsUrls: undefined, natsPort: undefined };
    const args = foregroundUpArgs({ ...base, hollowNodes: 50 });
    expect(args[args.indexOf('--hollow-nodes') + 1]).toBe('50');
    expect(foregroundUpArgs({ ...base, hollowNodes: 0 })).not.toContain('--hollow-nodes');
  });

  it('gives more hollow nodes more time to become Ready', () => {
    expect(hollowReadyTimeoutMs(500)).toBeGreaterThan(hollowReadyTimeoutMs(10));
  });

  it.each(['-3', 'many', String(HOLLOW_NODES_MAX + 1)])('makes `skiff up --hollow-nodes %s` fail with the reason, exit 1', async (value) => {
    const err = new PassThrough();
    let text = '';
    err.on('data', (c: Buffer) => (text += c.toString()));
    let code = 0;
    const program = buildProgram(
      { version: '9.9.9', home: '/nonexistent', cwd: '/', self: { execPath: process.execPath, args: [] }, components: [], out: new PassThrough() as unknown as NodeJS.WriteStream, err: err as unknown as NodeJS.WriteStream },
      (c) => (code = c),
    );
    try {
      await program.parseAsync(['node', 'skiff', 'up', '--hollow-nodes', value]);
    } catch (e) {
      code = reportError(e, err);
    }
    expect(code).toBe(1);
    expect(text).toContain('invalid hollow node count');
  });
});
