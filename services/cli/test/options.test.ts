import { describe, expect, it } from 'vitest';
import { OptionError } from '../src/errors.js';
import {
  expandPath,
  foregroundUpArgs,
  parseClusterName,
  parseDurationMs,
  parseNatsUrls,
  parseNodes,
  parsePort,
  resolveDataDir,
} from '../src/options.js';

describe('parseClusterName', () => {
  it.each(['local', 't123', 'a', 'dev-1', 'my_cluster'])('accepts %s', (name) => {
    expect(parseClusterName(name)).toBe(name);
  });

  // Dots, wildcards and spaces would change the NATS subject; slashes the directory.
  it.each(['', 'a.b', 'a*', 'a>', 'a b', '../x', 'a/b', 'Local', '-a', 'a-', 'x'.repeat(64)])('rejects %j', (name) => {
    expect(() => parseClusterName(name)).toThrow(OptionError);
  });
});

describe('parseNodes', () => {
  it('accepts whole numbers from 1', () => {
    expect(parseNodes('1')).toBe(1);
    expect(parseNodes('12')).toBe(12);
  });

  it.each(['0', '-1', '1.5', 'two', '', '1e3', '1001'])('rejects %j', (value) => {
    expect(() => parseNodes(value)).toThrow(OptionError);
  });
});

describe('parsePort', () => {
  it('accepts 1..65535', () => {
    expect(parsePort('4222')).toBe(4222);
    expect(parsePort('65535')).toBe(65535);
  });

  it.each(['0', '65536', 'http', '-5', ''])('rejects %j', (value) => {
    expect(() => parsePort(value)).toThrow(OptionError);
  });
});

describe('parseDurationMs', () => {
  it('reads seconds by default and the ms, s and m units', () => {
    expect(parseDurationMs('60')).toBe(60_000);
    expect(parseDurationMs('1.5s')).toBe(1_500);
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('2m')).toBe(120_000);
  });

  it.each(['0', '-1', 'soon', '5h', ''])('rejects %j', (value) => {
    expect(() => parseDurationMs(value)).toThrow(OptionError);
  });
});

describe('parseNatsUrls', () => {
  it('normalises one URL, adding the scheme and the default port', () => {
    expect(parseNatsUrls('127.0.0.1')).toEqual(['nats://127.0.0.1:4222']);
    expect(parseNatsUrls('nats://127.0.0.1:5000')).toEqual(['nats://127.0.0.1:5000']);
    expect(parseNatsUrls('tls://nats.example:7422')).toEqual(['tls://nats.example:7422']);
  });

  it('splits a comma-separated cluster list', () => {
    expect(parseNatsUrls('nats://a:1, b:2,,')).toEqual(['nats://a:1', 'nats://b:2']);
  });

  it('keeps credentials', () => {
    expect(parseNatsUrls('nats://user:pw@h:1')).toEqual(['nats://user:pw@h:1']);
  });

  it.each(['', ',', 'http://h:1', 'nats://h:1/path', 'nats://h:notaport', 'nats://'])('rejects %j', (value) => {
    expect(() => parseNatsUrls(value)).toThrow(OptionError);
  });
});

describe('data directory', () => {
  it('defaults to ~/.skiff/<cluster> under the given home', () => {
    expect(resolveDataDir('t1', '/home/u', '/cwd')).toBe('/home/u/.skiff/t1');
  });

  it('expands ~ and resolves relative overrides against cwd', () => {
    expect(resolveDataDir('t1', '/home/u', '/cwd', '~/x')).toBe('/home/u/x');
    expect(resolveDataDir('t1', '/home/u', '/cwd', 'rel/d')).toBe('/cwd/rel/d');
    expect(resolveDataDir('t1', '/home/u', '/cwd', '/abs/../d')).toBe('/d');
    expect(expandPath('~', '/home/u', '/cwd')).toBe('/home/u');
  });
});

describe('foregroundUpArgs', () => {
  it('repeats every parsed option except detaching', () => {
    const args = foregroundUpArgs({
      cluster: 'c1',
      nodes: 3,
      dataDir: '/d',
      natsUrls: ['nats://a:1', 'nats://b:2'],
      natsPort: undefined,
    });
    expect(args).toEqual(['up', '--cluster', 'c1', '--nodes', '3', '--data-dir', '/d', '--nats', 'nats://a:1,nats://b:2']);
  });

  it('passes a pinned NATS port on', () => {
    const args = foregroundUpArgs({ cluster: 'c1', nodes: 1, dataDir: '/d', natsUrls: undefined, natsPort: 4333 });
    expect(args).toContain('--nats-port');
    expect(args[args.indexOf('--nats-port') + 1]).toBe('4333');
    expect(args).not.toContain('--detach');
  });
});
