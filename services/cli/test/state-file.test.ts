import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseClusterState,
  readClusterState,
  removeClusterState,
  renderClusterState,
  stateFilePath,
  StateFileError,
  writeClusterState,
  type ClusterState,
} from '../src/state-file.js';

const state: ClusterState = {
  v: 1,
  cluster: 'local',
  pid: 1234,
  startTicks: 99,
  natsUrls: ['nats://127.0.0.1:4222'],
  managedNats: { pid: 1235, startTicks: 100 },
  startedAt: '2025-01-02T03:04:05.000Z',
  components: ['supervisor'],
  nodes: 2,
  version: '0.1.0',
};

describe('parseClusterState', () => {
  it('round-trips through its JSON text', () => {
    expect(parseClusterState(JSON.parse(renderClusterState(state)))).toEqual(state);
  });

  it('keeps what components add to the summary, and refuses a malformed one', () => {
    const withSummary = { ...state, summaryLines: ['API         https://127.0.0.1:6443'], summaryNext: ['kubectl get nodes'] };
    expect(parseClusterState(JSON.parse(renderClusterState(withSummary)))).toEqual(withSummary);
    expect(parseClusterState({ ...withSummary, summaryNext: [1] })).toBe('invalid summaryLines or summaryNext');
  });

  it('reads null as absent for external NATS and missing start ticks', () => {
    const external = { ...state, managedNats: undefined, startTicks: undefined };
    const text = renderClusterState(external);
    expect(text).toContain('"managedNats": null');
    expect(parseClusterState(JSON.parse(text))).toEqual(external);
  });

  it.each([
    ['not an object', []],
    ['wrong version', { ...state, v: 2 }],
    ['no pid', { ...state, pid: undefined }],
    ['negative pid', { ...state, pid: -1 }],
    ['no urls', { ...state, natsUrls: [] }],
    ['bad date', { ...state, startedAt: 'yesterday' }],
    ['bad managed nats', { ...state, managedNats: { pid: 'x' } }],
    ['bad components', { ...state, components: [1] }],
  ])('explains what is wrong: %s', (_name, value) => {
    expect(typeof parseClusterState(value)).toBe('string');
  });
});

describe('state file on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is absent until written, then reads back', () => {
    expect(readClusterState(dir)).toBeUndefined();
    writeClusterState(dir, state);
    expect(readClusterState(dir)).toEqual(state);
  });

  it('reports a corrupt file with its path', () => {
    writeFileSync(stateFilePath(dir), '{"v":1,');
    expect(() => readClusterState(dir)).toThrow(StateFileError);
    expect(() => readClusterState(dir)).toThrow(stateFilePath(dir));
  });

  it('is not removed by a process that no longer owns it', () => {
    writeClusterState(dir, state);
    removeClusterState(dir, state.pid + 1);
    expect(JSON.parse(readFileSync(stateFilePath(dir), 'utf8')).pid).toBe(state.pid);
    removeClusterState(dir, state.pid);
    expect(readClusterState(dir)).toBeUndefined();
  });

  it('removes unconditionally without an owner, and tolerates absence', () => {
    writeClusterState(dir, state);
    removeClusterState(dir);
    removeClusterState(dir);
    expect(readClusterState(dir)).toBeUndefined();
  });
});
