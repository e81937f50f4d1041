// The typed client against the fake apiserver: every verb, Status errors as ApiStatusError with
// their helpers, read retries on NoResponders (and none for writes), retryOnConflict, and the
// event recorder's Events with repeat aggregation.

import { NoRespondersError, TimeoutError } from '@skiff/bus';
import { SeededRandom, SimulationClock } from '@skiff/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiStatusError, isAlreadyExists, isConflict, isInvalid, isNotFound, isResourceExpired, toApiError } from '../src/api-errors.js';
import { createEventRecorder } from '../src/event-recorder.js';
import { eventName } from '../src/event.js';
import { Resources } from '../src/resources.js';
import { retryOnConflict } from '../src/retry.js';
import { RemoteError } from '@skiff/bus';
import { pod, startHarness, T0, type Harness } from './harness.js';

let h: Harness;

afterEach(async () => {
  await h?.server.stop();
});

const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);

describe('api client: verbs', () => {
  it('creates, gets, lists, updates, patches, updates status, deletes', async () => {
    h = startHarness({ client: { fieldManager: 'skiff-test' } });
    const c = h.client;
    const created = await c.create(Resources.pods, pod('p', { labels: { app: 'a' } }));
    expect(created.metadata).toMatchObject({ name: 'p', namespace: 'default', uid: 'uid-1' });
    const createReq = h.server.requests.at(-1)!.req;
    expect(createReq).toMatchObject({ version: 'v1', resource: 'pods', namespace: 'default', query: { fieldManager: 'skiff-test' } });
    expect('group' in createReq).toBe(false);

    expect((await c.get(Resources.pods, 'p', { namespace: 'default' })).metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    await c.create(Resources.pods, pod('q', { labels: { app: 'b' } }));
    const list = await c.list(Resources.pods, { namespace: 'default', labelSelector: 'app=a' });
    expect(list.items.map((p) => p.metadata.name)).toEqual(['p']);
    expect(list.metadata.resourceVersion).toBe(h.server.resourceVersion);

    const updated = await c.update(Resources.pods, { ...created, metadata: { ...created.metadata, labels: { app: 'z' } } });
    expect(updated.metadata.labels).toEqual({ app: 'z' });
    const patched = await c.patch(Resources.pods, 'p', 'merge', { metadata: { annotations: { x: '1' } } }, { namespace: 'default' });
    expect(patched.metadata.annotations).toEqual({ x: '1' });
    const withStatus = await c.updateStatus(Resources.pods, { ...patched, status: { phase: 'Running' } });
    expect(withStatus['status']).toEqual({ phase: 'Running' });
    expect(h.server.requests.at(-1)!.verb).toBe('status');
    await c.patchStatus(Resources.pods, 'p', 'merge', { status: { phase: 'Succeeded' } }, { namespace: 'default' });
    expect(h.server.requests.at(-1)).toMatchObject({ verb: 'status', req: { patchType: 'merge', name: 'p' } });

    const deleted = await c.delete(Resources.pods, 'p', { namespace: 'default', gracePeriodSeconds: 0 });
    expect(deleted.metadata.name).toBe('p');
    expect(h.server.requests.at(-1)!.req).toMatchObject({ body: { kind: 'DeleteOptions', gracePeriodSeconds: 0 } });
    expect(isNotFound(await failure(c.get(Resources.pods, 'p', { namespace: 'default' })))).toBe(true);
  });

  it('binds and evicts pods through their subresources', async () => {
    h = startHarness();
    await h.client.create(Resources.pods, pod('p'));
    await h.client.bind({ metadata: { name: 'p', namespace: 'default' }, target: { name: 'node-1' } });
    expect(h.server.requests.at(-1)).toMatchObject({ verb: 'bind', req: { name: 'p', body: { kind: 'Binding', target: { kind: 'Node', name: 'node-1' } } } });
    expect((await h.client.get(Resources.pods, 'p', { namespace: 'default' }))['spec']).toMatchObject({ nodeName: 'node-1' });
    await h.client.evict('default', 'p', { gracePeriodSeconds: 5 });
    expect(h.server.requests.at(-1)).toMatchObject({ verb: 'create', req: { subresource: 'eviction', name: 'p', body: { kind: 'Eviction', deleteOptions: { gracePeriodSeconds: 5 } } } });
    expect(h.server.get('', 'pods', 'default', 'p')).toBeUndefined();
  });
});

describe('api client: errors and retries', () => {
  it('turns error envelopes into ApiStatusError carrying the Status', async () => {
    h = startHarness();
    const c = h.client;
    const created = await c.create(Resources.pods, pod('p'));
    const exists = await failure(c.create(Resources.pods, pod('p')));
    expect(exists).toBeInstanceOf(ApiStatusError);
    expect(exists).toMatchObject({ code: 409, reason: 'AlreadyExists', status: { kind: 'Status', message: 'pods "p" already exists' } });
    expect([isAlreadyExists(exists), isConflict(exists)]).toEqual([true, false]);
    await c.patch(Resources.pods, 'p', 'merge', { metadata: { labels: { a: 'b' } } }, { namespace: 'default' });
    const stale = await failure(c.update(Resources.pods, created));
    expect([isConflict(stale), isAlreadyExists(stale)]).toEqual([true, false]);
    expect(isInvalid(await failure(c.create(Resources.pods, { metadata: { namespace: 'default' } })))).toBe(true);
    // A bus error code without a Status still maps to a code.
    expect(toApiError(new RemoteError('x', 'BadRequest', 'nope'))).toMatchObject({ code: 400, reason: 'BadRequest', message: 'x: BadRequest: nope' });
    expect(isResourceExpired(toApiError(new RemoteError('x', 'Expired', 'old', { code: 410, reason: 'Expired', message: 'too old' })))).toBe(true);
  });

  it('retries reads while no apiserver answers, and never retries writes', async () => {
    h = startHarness();
    await h.server.stop();
    const c = h.connect('reader', { readAttemptsMax: 5 });
    let got: unknown;
    void c.list(Resources.pods).then((l) => (got = l), (e: unknown) => (got = e));
    await h.settle();
    expect(got).toBeUndefined(); // backing off, not failed
    expect(await failure(c.create(Resources.pods, pod('w')))).toBeInstanceOf(NoRespondersError);
    const { FakeApiServer } = await import('./fake-api-server.js');
    const revived = new FakeApiServer({ bus: h.serverBus, clock: h.clock }).start();
    expect(await h.until(() => got !== undefined, 10_000)).toBe(true);
    expect(got).toMatchObject({ items: [] });
    expect(revived.requests.map((r) => r.verb)).toEqual(['list']);
    await revived.stop();

    let gaveUp: unknown;
    void c.get(Resources.pods, 'x', { namespace: 'default' }).catch((e: unknown) => (gaveUp = e));
    expect(await h.until(() => gaveUp !== undefined, 30_000)).toBe(true);
    expect(gaveUp).toBeInstanceOf(NoRespondersError);
  });

  it('reports a timed-out write as a TimeoutError (it may have happened)', async () => {
    h = startHarness();
    h.network.partition(['client'], ['apiserver']);
    let err: unknown;
    void h.client.create(Resources.pods, pod('t')).catch((e: unknown) => (err = e));
    expect(await h.until(() => err !== undefined, 5_000)).toBe(true);
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it('retryOnConflict re-runs a read-modify-write until it does not conflict, at most `steps` times', async () => {
    h = startHarness();
    const c = h.client;
    await c.create(Resources.pods, pod('p'));
    let attempts = 0;
    const run = c.retryOnConflict(async () => {
      attempts++;
      const current = await c.get(Resources.pods, 'p', { namespace: 'default' });
      if (attempts < 3) h.server.put('', 'pods', { ...current, metadata: { ...current.metadata, labels: { racer: String(attempts) } } });
      return c.update(Resources.pods, { ...current, metadata: { ...current.metadata, annotations: { mine: 'yes' } } });
    });
    await h.until(() => attempts >= 3, 1_000, 5);
    const result = await run;
    expect(attempts).toBe(3);
    expect(result.metadata.annotations).toEqual({ mine: 'yes' });

    const clock = new SimulationClock(0);
    let tries = 0;
    const always = failure(retryOnConflict({ clock, random: new SeededRandom(1), steps: 4 }, async () => {
      tries++;
      throw new ApiStatusError({ code: 409, reason: 'Conflict', message: 'again' });
    }));
    for (let i = 0; i < 10; i++) {
      await h.settle(2);
      clock.advance(20);
    }
    expect(isConflict(await always)).toBe(true);
    expect(tries).toBe(4);
    expect(await retryOnConflict({ clock, random: new SeededRandom(1) }, async () => 'ok')).toBe('ok');
    await expect(retryOnConflict({ clock, random: new SeededRandom(1) }, async () => { throw new Error('other'); })).rejects.toThrow('other');
  });
});

describe('event recorder', () => {
  it('writes core/v1 Events and counts repeats on one Event', async () => {
    h = startHarness();
    const target = await h.client.create(Resources.pods, pod('web'));
    const errors: unknown[] = [];
    const recorder = createEventRecorder({ client: h.client, source: { component: 'skiff-scheduler', host: 'm1' }, onError: (e) => errors.push(e) });
    await recorder.event(target, 'Normal', 'Scheduled', 'Successfully assigned default/web to node-1');
    const events = await h.client.list(Resources.events, { namespace: 'default' });
    expect(events.items).toHaveLength(1);
    const ev = events.items[0]!;
    expect(ev).toMatchObject({
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: target.metadata.uid, apiVersion: 'v1' },
      reason: 'Scheduled',
      type: 'Normal',
      source: { component: 'skiff-scheduler', host: 'm1' },
      count: 1,
      firstTimestamp: '2026-03-01T10:00:00Z',
    });
    expect(ev.metadata.name).toBe(eventName('web', T0, 0));

    h.clock.advance(30_000);
    void recorder.event(target, 'Normal', 'Scheduled', 'Successfully assigned default/web to node-1');
    void recorder.event(target, 'Normal', 'Scheduled', 'Successfully assigned default/web to node-1');
    await recorder.event(target, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await recorder.flush();
    const after = await h.client.list(Resources.events, { namespace: 'default' });
    expect(after.items).toHaveLength(2);
    const scheduled = after.items.find((e) => e['reason'] === 'Scheduled')!;
    expect(scheduled).toMatchObject({ count: 3, firstTimestamp: '2026-03-01T10:00:00Z', lastTimestamp: '2026-03-01T10:00:30Z' });
    expect(after.items.find((e) => e['reason'] === 'BackOff')).toMatchObject({ type: 'Warning', count: 1 });

    // The Event is gone on the server (TTL): the next repeat starts a new one.
    h.server.remove('', 'events', 'default', scheduled.metadata.name!);
    await recorder.event(target, 'Normal', 'Scheduled', 'Successfully assigned default/web to node-1');
    const recreated = (await h.client.list(Resources.events, { namespace: 'default' })).items.filter((e) => e['reason'] === 'Scheduled');
    expect(recreated).toMatchObject([{ count: 1 }]);
    expect(errors).toEqual([]);
  });

  it("carries events/v1's action and related object (kube-scheduler's Preempted/Preempting)", async () => {
    h = startHarness();
    const victim = await h.client.create(Resources.pods, pod('victim'));
    const preemptor = await h.client.create(Resources.pods, pod('preemptor'));
    const recorder = createEventRecorder({ client: h.client, source: { component: 'default-scheduler' } });
    await recorder.event(victim, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.uid} on node n1`, { action: 'Preempting', related: preemptor });
    await recorder.event(preemptor, 'Normal', 'Scheduled', 'Successfully assigned default/preemptor to n1');
    const events = (await h.client.list(Resources.events, { namespace: 'default' })).items;
    expect(events.find((e) => e['reason'] === 'Preempted')).toMatchObject({
      involvedObject: { name: 'victim' },
      action: 'Preempting',
      related: { kind: 'Pod', namespace: 'default', name: 'preemptor', uid: preemptor.metadata.uid },
    });
    const scheduled = events.find((e) => e['reason'] === 'Scheduled')!;
    expect(scheduled['action']).toBeUndefined();
    expect(scheduled['related']).toBeUndefined();
  });

  it('never throws: a failed write goes to onError', async () => {
    h = startHarness();
    const errors: unknown[] = [];
    const recorder = createEventRecorder({ client: h.client, source: { component: 'x' }, onError: (e) => errors.push(e) });
    h.server.failNextRequest('create', 403, 'Forbidden', 'events is forbidden');
    await expect(recorder.event({ kind: 'Node', name: 'n1' }, 'Warning', 'NodeNotReady', 'gone')).resolves.toBeUndefined();
    expect(errors).toMatchObject([{ code: 403, reason: 'Forbidden' }]);
  });
});
