import { describe, expect, it } from 'vitest';
import { labelSelectorFromObject, labelSelectorMatches } from '@skiff/apimachinery';
import { tryParseGoDurationMs as parseGoDurationMs } from '@skiff/apimachinery';
import { podMetricsFromList, selectorObjectFromString, type PodMetricsObject } from '../src/index.js';

const sample = (name: string, containers: NonNullable<PodMetricsObject['containers']>, window = '30s'): PodMetricsObject => ({ metadata: { name }, timestamp: '2026-11-25T10:00:00Z', window, containers });

describe('HPA metrics input: PodMetrics', () => {
  it('sums usage over the containers, in milli-units', () => {
    const m = podMetricsFromList([
      sample('a', [
        { name: 'app', usage: { cpu: '120m', memory: '10Mi' } },
        { name: 'sidecar', usage: { cpu: '30000000n', memory: '1Mi' } },
      ]),
    ]);
    expect(m.get('a')).toEqual({ timestampMs: Date.parse('2026-11-25T10:00:00Z'), windowMs: 30_000, usageMilli: { cpu: 150, memory: 11 * 1024 * 1024 * 1000 } });
  });

  it('leaves out a pod whose container lacks the resource, or whose sample is malformed', () => {
    const m = podMetricsFromList(
      [
        sample('no-cpu', [{ name: 'app', usage: { memory: '1Mi' } }]),
        sample('bad-window', [{ name: 'app', usage: { cpu: '1' } }], 'soon'),
        sample('bad-quantity', [{ name: 'app', usage: { cpu: 'lots' } }]),
        sample('no-containers', []),
        sample('ok', [{ name: 'app', usage: { cpu: '1' } }], '1m0.5s'),
      ],
      ['cpu'],
    );
    expect([...m.keys()]).toEqual(['ok']);
    expect(m.get('ok')).toMatchObject({ windowMs: 60_500, usageMilli: { cpu: 1000 } });
  });

  it('parses Go durations', () => {
    expect(parseGoDurationMs('10.5s')).toBe(10_500);
    expect(parseGoDurationMs('1h2m3s')).toBe(3_723_000);
    expect(parseGoDurationMs('250ms')).toBe(250);
    expect(parseGoDurationMs('0')).toBe(0);
    expect(parseGoDurationMs('30')).toBeUndefined();
    expect(parseGoDurationMs('')).toBeUndefined();
  });
});

describe('HPA metrics input: a Scale selector', () => {
  it('turns the string into an equivalent LabelSelector object', () => {
    const obj = selectorObjectFromString('app=web,tier in (a,b),!canary,zone')!;
    const sel = labelSelectorFromObject(obj);
    expect(labelSelectorMatches(sel, { app: 'web', tier: 'a', zone: 'z1' })).toBe(true);
    expect(labelSelectorMatches(sel, { app: 'web', tier: 'c', zone: 'z1' })).toBe(false);
    expect(labelSelectorMatches(sel, { app: 'web', tier: 'a', zone: 'z1', canary: 'yes' })).toBe(false);
    expect(labelSelectorMatches(sel, { app: 'web', tier: 'a' })).toBe(false);
  });

  it('has no selector for an empty or malformed string', () => {
    expect(selectorObjectFromString('')).toBeUndefined();
    expect(selectorObjectFromString('app in (')).toBeUndefined();
    expect(selectorObjectFromString('replicas>3')).toBeUndefined();
  });
});
