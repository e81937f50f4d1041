import { describe, expect, it } from 'vitest';
import { createActor, getInitialSnapshot, transition, type SnapshotFrom } from 'xstate';
import { allReady, allStopped, initialPhases, readyNames, withPhase } from '../src/cluster-components.js';
import { clusterMachine, type ClusterEvent } from '../src/cluster.machine.js';

const input = { cluster: 'local', components: ['supervisor', 'store'] };

function run(events: readonly ClusterEvent[]): SnapshotFrom<typeof clusterMachine> {
  let snapshot = getInitialSnapshot(clusterMachine, input);
  for (const event of events) [snapshot] = transition(clusterMachine, snapshot, event);
  return snapshot;
}

describe('component phases', () => {
  it('is ready only when every component is', () => {
    let phases = initialPhases(['a', 'b']);
    expect(allReady(phases)).toBe(false);
    phases = withPhase(phases, 'a', 'ready');
    expect(allReady(phases)).toBe(false);
    expect(readyNames(phases)).toEqual(['a']);
    phases = withPhase(phases, 'b', 'ready');
    expect(allReady(phases)).toBe(true);
  });

  it('ignores unknown components and never revives a stopped one', () => {
    const phases = withPhase(initialPhases(['a']), 'a', 'stopped');
    expect(withPhase(phases, 'ghost', 'ready')).toBe(phases);
    expect(withPhase(phases, 'a', 'ready')).toBe(phases);
  });

  it('counts never-started components as stopped', () => {
    expect(allStopped(initialPhases(['a', 'b']))).toBe(true);
    expect(allStopped(withPhase(initialPhases(['a', 'b']), 'a', 'starting'))).toBe(false);
  });
});

describe('cluster machine', () => {
  it('runs once every component reported ready', () => {
    const partly = run([{ type: 'component.starting', name: 'supervisor' }, { type: 'component.ready', name: 'supervisor' }]);
    expect(partly.value).toBe('starting');
    const all = run([
      { type: 'component.ready', name: 'supervisor' },
      { type: 'component.ready', name: 'store' },
    ]);
    expect(all.value).toBe('running');
    expect(all.context.components).toEqual({ supervisor: 'ready', store: 'ready' });
  });

  it('stops only after every started component stopped, in any order', () => {
    const ready: ClusterEvent[] = [
      { type: 'component.ready', name: 'supervisor' },
      { type: 'component.ready', name: 'store' },
    ];
    const stopping = run([...ready, { type: 'stop' }, { type: 'component.stopped', name: 'store' }]);
    expect(stopping.value).toBe('stopping');
    const stopped = run([...ready, { type: 'stop' }, { type: 'component.stopped', name: 'store' }, { type: 'component.stopped', name: 'supervisor' }]);
    expect(stopped.value).toBe('stopped');
    expect(stopped.status).toBe('done');
  });

  it('goes to stopping and keeps the first error when a component fails while starting', () => {
    const failing: ClusterEvent[] = [
      { type: 'component.ready', name: 'supervisor' },
      { type: 'component.starting', name: 'store' },
      { type: 'component.failed', name: 'store', error: 'no quorum' },
    ];
    const snapshot = run(failing);
    expect(snapshot.value).toBe('stopping');
    expect(snapshot.context.error).toBe('store: no quorum');
    expect(snapshot.context.components['store']).toBe('failed');
    const ended = run([...failing, { type: 'component.failed', name: 'supervisor', error: 'later' }]);
    expect(ended.value).toBe('stopped');
    expect(ended.context.error).toBe('store: no quorum');
  });

  it('ends at once when the only started component fails', () => {
    const snapshot = run([
      { type: 'component.starting', name: 'supervisor' },
      { type: 'component.failed', name: 'supervisor', error: 'boom' },
    ]);
    expect(snapshot.value).toBe('stopped');
  });

  it('leaves running when a component stops on its own', () => {
    const snapshot = run([
      { type: 'component.ready', name: 'supervisor' },
      { type: 'component.ready', name: 'store' },
      { type: 'component.stopped', name: 'store' },
    ]);
    expect(snapshot.value).toBe('stopping');
  });

  it('ends at once when stopped before anything started', () => {
    const actor = createActor(clusterMachine, { input }).start();
    actor.send({ type: 'stop' });
    expect(actor.getSnapshot().value).toBe('stopped');
  });

  it('serialises with named guards and actions for the inspector', () => {
    const json = JSON.stringify(clusterMachine.toJSON());
    expect(json).toContain('lastToBeReady');
    expect(json).toContain('#cluster.running');
    expect(json).toContain('recordPhase');
  });
});
