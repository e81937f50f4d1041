import { describe, expect, it } from 'vitest';
import { describeRows, formatInspectionEvent, parseDescribeReply, type DescribedService } from '../src/inspect-view.js';

const reply = {
  v: 1,
  type: 'inspect.described',
  service: 'supervisor',
  instance: 'host1',
  actors: [
    { id: 'cluster', sessionId: 'x:1', machineId: 'cluster', state: 'running', status: 'active' },
    { id: 'child', sessionId: 'x:2', machineId: 'worker', state: { running: 'idle' }, status: 'done' },
  ],
};

describe('parseDescribeReply', () => {
  it('reads service, instance and actors', () => {
    const parsed = parseDescribeReply(reply) as DescribedService;
    expect(parsed.service).toBe('supervisor');
    expect(parsed.actors.map((a) => a.id)).toEqual(['cluster', 'child']);
  });

  it.each([
    ['error reply', { v: 1, type: 'error', code: 'Internal', message: 'boom' }, /boom/],
    ['other type', { v: 1, type: 'inspect.snapshot' }, /unexpected reply type/],
    ['no instance', { ...reply, instance: 3 }, /without service or instance/],
    ['no actors', { ...reply, actors: 'x' }, /without actors/],
    ['bad actor', { ...reply, actors: [{ id: 1 }] }, /malformed actor/],
  ])('explains a bad reply: %s', (_name, env, message) => {
    expect(parseDescribeReply(env)).toMatch(message);
  });
});

describe('describeRows', () => {
  it('sorts by service, instance and actor, and shows final status', () => {
    const services = [
      parseDescribeReply(reply) as DescribedService,
      { service: 'store', instance: 'b', actors: [] },
      { service: 'store', instance: 'a', actors: [{ id: 'm1', machineId: 'raft', state: 'leader', status: 'active' }] },
    ];
    expect(describeRows(services)).toEqual([
      ['store', 'a', 'm1', 'raft', 'leader'],
      ['store', 'b', '-', '-', '-'],
      ['supervisor', 'host1', 'child', 'worker', 'running.idle (done)'],
      ['supervisor', 'host1', 'cluster', 'cluster', 'running'],
    ]);
  });
});

describe('formatInspectionEvent', () => {
  const origin = { v: 1, service: 'supervisor', instance: 'h', actorId: 'cluster' };
  const at = Date.UTC(2025, 0, 1, 12, 30, 5, 250);

  it('prints one line per transition with state names relative to the machine', () => {
    const lines = formatInspectionEvent({
      ...origin,
      type: 'inspect.transitions',
      dropped: 2,
      transitions: [
        { eventType: 'component.ready', source: 'cluster.starting', targets: ['cluster.running'], atMs: at },
        { eventType: 'ping', source: 'cluster.running', targets: [], atMs: at },
      ],
    });
    expect(lines).toEqual([
      '12:30:05.250  supervisor/h cluster  starting -> running  on component.ready',
      '12:30:05.250  supervisor/h cluster  running -> (self)  on ping',
      '              supervisor/h cluster  (2 transitions not shown)',
    ]);
  });

  it('prints snapshots and new actors', () => {
    expect(formatInspectionEvent({ ...origin, type: 'inspect.snapshot', state: 'stopped', status: 'done', atMs: at })).toEqual([
      '12:30:05.250  supervisor/h cluster  is stopped (done)',
    ]);
    expect(formatInspectionEvent({ ...origin, type: 'inspect.actor', machineId: 'cluster', atMs: at })?.[0]).toContain('started (cluster)');
  });

  it('skips unknown and malformed events', () => {
    expect(formatInspectionEvent({ ...origin, type: 'something.else' })).toBeUndefined();
    expect(formatInspectionEvent({ type: 'inspect.snapshot' })).toBeUndefined();
  });
});
