// Names the API server and controllers generate: metadata.generateName suffixes and the
// pod-template-hash style hash. Randomness is injected (a seeded Random in tests and simulation).
import type { Random } from '@skiff/core';
import { canonicalJson, type JsonValue } from './json-value.js';

/** Kubernetes' alphabet for random suffixes: no vowels (no words) and no confusable 0/1/3. */
export const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const MAX_NAME_LENGTH = 63;
export const RANDOM_SUFFIX_LENGTH = 5;
export const MAX_GENERATED_NAME_LENGTH = MAX_NAME_LENGTH - RANDOM_SUFFIX_LENGTH;

/** n characters drawn from NAME_ALPHABET. */
export function randomNameString(length: number, random: Pick<Random, 'int'>): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NAME_ALPHABET[random.int(0, NAME_ALPHABET.length - 1)];
  return out;
}

/** SimpleNameGenerator.GenerateName: base (cut to 58 characters) plus 5 random characters. */
export function generateName(base: string, random: Pick<Random, 'int'>): string {
  return base.slice(0, MAX_GENERATED_NAME_LENGTH) + randomNameString(RANDOM_SUFFIX_LENGTH, random);
}

/** rand.SafeEncodeString: each character mapped into NAME_ALPHABET by its code. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += NAME_ALPHABET[(ch.codePointAt(0) ?? 0) % NAME_ALPHABET.length];
  return out;
}

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-1a, 32 bits, over bytes (strings hash as UTF-8). */
export function fnv32a(data: string | Uint8Array, seed = FNV32_OFFSET): number {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let hash = seed >>> 0;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, FNV32_PRIME) >>> 0;
  return hash;
}

/**
 * controller.ComputeHash: FNV-32a of the template, plus the collision count as 8 little-endian
 * bytes when given, rendered in decimal through safeEncodeString. The template is serialized as
 * canonical JSON (Kubernetes hashes a Go dump of the struct, so values differ from Kubernetes';
 * they are stable across Skiff runs and versions of this function).
 */
export function computeTemplateHash(template: JsonValue, collisionCount?: number): string {
  let hash = fnv32a(canonicalJson(template));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(bytes, hash);
  }
  return safeEncodeString(String(hash));
}
