import { describe, expect, it } from 'vitest';
import { SeededRandom, SimulationClock } from '../src/index.js';

describe('SimulationClock', () => {
  it('fires timers in deadline order, and equal deadlines in the order they were set', () => {
    const clock = new SimulationClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    clock.setTimeout(() => fired.push('c1'), 20);
    clock.setTimeout(() => fired.push('c2'), 20);
    clock.advance(15);
    expect(fired).toEqual(['a']);
    expect(clock.now()).toBe(15);
    clock.advance(5);
    expect(fired).toEqual(['a', 'b', 'c1', 'c2']);
  });

  it('fires timers set by timers within the same advance, and skips cleared ones', () => {
    const clock = new SimulationClock();
    const fired: number[] = [];
    const cleared = clock.setTimeout(() => fired.push(-1), 5);
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 10);
    }, 10);
    clock.clearTimeout(cleared);
    clock.advance(30);
    expect(fired).toEqual([10, 20]);
    expect(clock.pendingCount).toBe(0);
  });
});

describe('SeededRandom', () => {
  it('replays the same sequence for the same seed and differs across seeds', () => {
    const draw = (seed: number) => Array.from({ length: 8 }, ((r) => () => r.int(0, 1000))(new SeededRandom(seed)));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('stays inside the bounds it is given', () => {
    const random = new SeededRandom(7);
    for (let i = 0; i < 1000; i++) {
      const n = random.int(3, 5);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
    }
  });
});
