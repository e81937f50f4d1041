import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@skiff/core';
import { NAME_ALPHABET, computeTemplateHash, fnv32a, generateName, safeEncodeString } from '../src/index.js';

describe('generateName', () => {
  it('appends five characters of the Kubernetes alphabet', () => {
    const name = generateName('web-7d4b9c-', new SeededRandom(1));
    expect(name).toMatch(/^web-7d4b9c-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('is determined by the injected random and cuts long bases to 58 characters', () => {
    expect(generateName('x-', new SeededRandom(7))).toBe(generateName('x-', new SeededRandom(7)));
    const long = generateName('a'.repeat(80), new SeededRandom(3));
    expect(long).toHaveLength(63);
    expect(long.slice(0, 58)).toBe('a'.repeat(58));
  });

  it('uses every letter of the alphabet over many draws, and nothing else', () => {
    const random = new SeededRandom(11);
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) for (const ch of generateName('', random)) seen.add(ch);
    expect([...seen].sort().join('')).toBe([...NAME_ALPHABET].sort().join(''));
  });
});

describe('hashes', () => {
  it('FNV-1a 32 matches the reference vectors', () => {
    expect(fnv32a('')).toBe(0x811c9dc5);
    expect(fnv32a('a')).toBe(0xe40c292c);
    expect(fnv32a('foobar')).toBe(0xbf9cf968);
  });

  it('safe encoding maps digits into the alphabet', () => {
    // Hence the familiar look of pod-template-hash values ("5d59d67564"): only 4-9, b, c, d, f.
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });

  it('template hashes ignore key order and change with content and collision count', () => {
    const a = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };
    const reordered = { spec: { containers: [{ image: 'nginx:1.27', name: 'web' }] }, metadata: { labels: { app: 'web' } } };
    const hash = computeTemplateHash(a);
    expect(hash).toMatch(/^[4-9bcdf]{1,10}$/);
    expect(computeTemplateHash(reordered)).toBe(hash);
    expect(computeTemplateHash({ ...a, spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } })).not.toBe(hash);
    expect(computeTemplateHash(a, 1)).not.toBe(hash);
    expect(computeTemplateHash(a, 1)).toBe(computeTemplateHash(a, 1));
  });
});
