// Test helpers: string keys, typed narrowing of responses, a tiny seeded PRNG.

import { expect } from 'vitest';
import { fromUtf8, utf8, type ApplyResult, type Command, type CommandResponse, type ErrorResponse, type KeyValue, type MvccStore, type WatchCreateResult } from '../src/index.js';

export const b = utf8;

export function ok<T extends CommandResponse['type']>(result: ApplyResult | CommandResponse | ErrorResponse, type: T): Extract<CommandResponse, { type: T }> {
  const response = 'response' in result ? result.response : result;
  if (response.type === 'error') throw new Error(`expected ${type}, got error ${response.code}: ${response.message}`);
  expect(response.type).toBe(type);
  return response as Extract<CommandResponse, { type: T }>;
}

export function err(result: ApplyResult | CommandResponse | ErrorResponse | WatchCreateResult | readonly unknown[]): ErrorResponse {
  if (Array.isArray(result)) throw new Error('expected an error, got a list');
  const response = 'response' in (result as object) ? (result as ApplyResult).response : (result as CommandResponse | ErrorResponse | WatchCreateResult);
  if (response.type !== 'error') throw new Error(`expected an error, got ${response.type}`);
  return response;
}

export function put(store: MvccStore, key: string, value: string, extra: Partial<Omit<Extract<Command, { type: 'put' }>, 'type' | 'key' | 'value'>> = {}): ApplyResult {
  return store.apply({ type: 'put', key: b(key), value: b(value), ...extra });
}

export function del(store: MvccStore, key: string, rangeEnd?: string): ApplyResult {
  return store.apply(rangeEnd === undefined ? { type: 'deleteRange', key: b(key) } : { type: 'deleteRange', key: b(key), rangeEnd: b(rangeEnd) });
}

/** The live kv of a string key, or undefined. */
export function get(store: MvccStore, key: string, revision?: number): KeyValue | undefined {
  const r = store.range(revision === undefined ? { key: b(key) } : { key: b(key), revision });
  return ok(r, 'range').kvs[0];
}

export const keysOf = (kvs: readonly KeyValue[]): string[] => kvs.map((kv) => fromUtf8(kv.key));
export const valueOf = (kv: KeyValue | undefined): string | undefined => (kv === undefined ? undefined : fromUtf8(kv.value));

/** mulberry32: deterministic test data from a seed. */
export function prng(seed: number): { next(): number; int(max: number): number } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (max: number) => Math.floor(next() * max) };
}
