import { describe, expect, it } from 'vitest';
import { encode, TimeoutError, type Bus, type Msg } from '@skiff/bus';
import { SimulationClock } from '@skiff/core';
import { kubeletStats } from '../../src/nats/kubelet-stats.js';

const summary = { node: { nodeName: 'ok' }, pods: [] };

/** A bus whose kubelets answer from a table: a summary, garbage, or a timeout. */
function fakeBus(answers: Record<string, 'ok' | 'garbage' | 'timeout'>): { bus: Bus; asked: string[] } {
  const asked: string[] = [];
  const bus = {
    request: async (subject: string): Promise<Msg> => {
      asked.push(subject);
      const node = subject.split('.')[3] ?? '';
      const answer = answers[node];
      if (answer === 'timeout' || answer === undefined) throw new TimeoutError(subject, 2_000);
      const body = answer === 'ok' ? { type: 'kubelet.stats.summary', nodeName: node, summary } : { type: 'something.else' };
      return { subject, data: encode(body), headers: undefined, reply: undefined, respond: () => false } as unknown as Msg;
    },
  } as unknown as Bus;
  return { bus, asked };
}

describe('kubeletStats', () => {
  it('leaves out kubelets that time out or answer garbage, keeping the others', async () => {
    const { bus } = fakeBus({ ok: 'ok', dead: 'timeout', odd: 'garbage' });
    const errors: string[] = [];
    const stats = kubeletStats(bus, 'c1', new SimulationClock(0), { onError: (node) => errors.push(node) });
    const out = await stats.summaries(['ok', 'dead', 'odd']);
    expect([...out.keys()]).toEqual(['ok']);
    expect(out.get('ok')).toEqual(summary);
    expect(errors.sort()).toEqual(['dead', 'odd']);
  });

  it('asks each kubelet once per cache period, sharing a request in flight', async () => {
    const { bus, asked } = fakeBus({ a: 'ok', b: 'ok' });
    const clock = new SimulationClock(0);
    const stats = kubeletStats(bus, 'c1', clock, { cacheTtlMs: 2_000 });
    await Promise.all([stats.summaries(['a', 'b']), stats.summaries(['a'])]);
    clock.advance(1_999);
    await stats.summaries(['a', 'b']);
    expect(asked).toEqual(['skiff.c1.kubelet.a.stats', 'skiff.c1.kubelet.b.stats']);
    clock.advance(1);
    await stats.summaries(['a']);
    expect(asked).toHaveLength(3);
  });
});
