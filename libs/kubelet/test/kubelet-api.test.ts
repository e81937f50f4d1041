import { describe, expect, it } from 'vitest';
import type { Pod } from '@skiff/api';
import { KubeletApiError, kubeletPodList, routeKubeletRequest, statsSummary, type NodeStatsSummary } from '../src/index.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

function codeOf(f: () => unknown): number | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof KubeletApiError ? e.code : -1;
  }
}

describe('routeKubeletRequest', () => {
  it('routes the read endpoints', () => {
    expect(routeKubeletRequest('GET', '/healthz', NOW)).toEqual({ type: 'healthz' });
    expect(routeKubeletRequest('GET', '/pods', NOW)).toEqual({ type: 'pods' });
    expect(routeKubeletRequest('GET', '/pods/', NOW)).toEqual({ type: 'pods' });
    expect(routeKubeletRequest('GET', '/stats/summary', NOW)).toEqual({ type: 'statsSummary' });
  });

  it('reads the containerLogs query as the kubelet does', () => {
    expect(routeKubeletRequest('GET', '/containerLogs/ns1/web/c1?tailLines=5&timestamps=true&follow=1&previous=false', NOW)).toEqual({
      type: 'containerLogs',
      namespace: 'ns1',
      pod: 'web',
      container: 'c1',
      tailLines: 5,
      timestamps: true,
      follow: true,
      previous: false,
    });
    const since = routeKubeletRequest('GET', '/containerLogs/a/b/c?sinceSeconds=10', NOW);
    expect(since).toMatchObject({ sinceTimeMs: NOW - 10_000 });
  });

  it('splits cmd on spaces and keeps the container of the UID form', () => {
    expect(routeKubeletRequest('POST', '/run/default/web/app?cmd=echo%20hi%20there', NOW)).toEqual({ type: 'run', namespace: 'default', pod: 'web', container: 'app', cmd: ['echo', 'hi', 'there'] });
    expect(routeKubeletRequest('POST', '/run/default/web/uid-1/app?cmd=ls', NOW)).toMatchObject({ container: 'app', cmd: ['ls'] });
  });

  it('routes manifest writes and deletes', () => {
    expect(routeKubeletRequest('POST', '/pods', NOW)).toEqual({ type: 'putPod' });
    expect(routeKubeletRequest('PUT', '/pods', NOW)).toEqual({ type: 'putPod' });
    expect(routeKubeletRequest('DELETE', '/pods/default/web-node-1', NOW)).toEqual({ type: 'deletePod', namespace: 'default', name: 'web-node-1' });
  });

  it('answers bad requests with their HTTP codes', () => {
    expect(codeOf(() => routeKubeletRequest('GET', '/nope', NOW))).toBe(404);
    expect(codeOf(() => routeKubeletRequest('POST', '/healthz', NOW))).toBe(405);
    expect(codeOf(() => routeKubeletRequest('GET', '/run/a/b/c?cmd=ls', NOW))).toBe(405);
    expect(codeOf(() => routeKubeletRequest('POST', '/run/a/b/c', NOW))).toBe(400);
    expect(codeOf(() => routeKubeletRequest('GET', '/containerLogs/a/b', NOW))).toBe(400);
    expect(codeOf(() => routeKubeletRequest('GET', '/containerLogs/a/b/c?tailLines=-1', NOW))).toBe(400);
    expect(codeOf(() => routeKubeletRequest('GET', '/containerLogs/a/b/c?follow=maybe', NOW))).toBe(400);
    expect(codeOf(() => routeKubeletRequest('GET', '/containerLogs/a/b/c?sinceTime=yesterday', NOW))).toBe(400);
    expect(codeOf(() => routeKubeletRequest('GET', '/containerLogs/%E0%A4%A/b/c', NOW))).toBe(400);
  });
});

const pod = (name: string, uid: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid },
  spec: { containers: [{ name: 'app', image: 'x' }, { name: 'side', image: 'y' }] },
  status: { phase: 'Pending', startTime: '2026-11-25T11:00:00Z' },
});

describe('kubeletPodList', () => {
  it('carries each pod with its worker status when there is one', () => {
    const list = kubeletPodList([pod('a', 'u1'), pod('b', 'u2')], (p) => (p.metadata.uid === 'u1' ? { phase: 'Running' } : undefined));
    expect(list.kind).toBe('PodList');
    expect(list.items.map((p) => p.status?.phase)).toEqual(['Running', 'Pending']);
  });
});

describe('statsSummary', () => {
  const stats: NodeStatsSummary = {
    node: {
      memory: { availableBytes: 600, workingSetBytes: 400 },
      fs: { availableBytes: 70, capacityBytes: 100, inodesFree: 8, inodes: 10 },
      rlimit: { maxPID: 1000, numOfRunningProcesses: 42 },
    },
    pods: [{ uid: 'u1', memoryWorkingSetBytes: 300, ephemeralStorageBytes: 5, processCount: 2, containers: [{ name: 'app', memoryWorkingSetBytes: 300 }] }],
  };

  it('has the Summary API shape, with the provider numbers', () => {
    const s = statsSummary({ nodeName: 'node-1', nodeStartTimeMs: NOW - 60_000, nowMs: NOW, stats, pods: [pod('a', 'u1'), pod('b', 'u2')] });
    expect(s.node).toEqual({
      nodeName: 'node-1',
      startTime: '2026-11-25T11:59:00Z',
      memory: { time: '2026-11-25T12:00:00Z', availableBytes: 600, workingSetBytes: 400, usageBytes: 400 },
      fs: { time: '2026-11-25T12:00:00Z', availableBytes: 70, capacityBytes: 100, usedBytes: 30, inodesFree: 8, inodes: 10, inodesUsed: 2 },
      rlimit: { time: '2026-11-25T12:00:00Z', maxpid: 1000, curproc: 42 },
    });
    expect(s.pods[0]).toMatchObject({
      podRef: { name: 'a', namespace: 'default', uid: 'u1' },
      memory: { workingSetBytes: 300 },
      process_stats: { process_count: 2 },
      containers: [{ name: 'app', memory: { workingSetBytes: 300 } }, { name: 'side' }],
    });
    // A pod without numbers (not started yet) still has its podRef and no made-up memory.
    expect(s.pods[1]).not.toHaveProperty('memory');
    expect(s.pods[1]).toMatchObject({ podRef: { uid: 'u2' } });
  });

  it('passes CPU on when the provider has it', () => {
    const withCpu = { ...stats, node: { ...stats.node, cpu: { usageNanoCores: 5, usageCoreNanoSeconds: 9 } } } as NodeStatsSummary;
    expect(statsSummary({ nodeName: 'n', nodeStartTimeMs: NOW, nowMs: NOW, stats: withCpu, pods: [] }).node['cpu']).toEqual({ time: '2026-11-25T12:00:00Z', usageNanoCores: 5, usageCoreNanoSeconds: 9 });
  });
});
