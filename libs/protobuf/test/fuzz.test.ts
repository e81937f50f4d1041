// Hostile input: whatever the bytes, decoding returns or throws ProtobufDecodeError, and it finishes.
import { SeededRandom } from '@skiff/core';
import { describe, expect, it } from 'vitest';
import { ProtobufDecodeError, ProtobufErrorCode, decodeKubeProtobuf } from '../src/index.js';
import { capturedBodies } from './captured-bodies.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20241125);
const ROUNDS = 3000;

type Outcome = 'decoded' | ProtobufErrorCode;

function outcomeOf(bytes: Uint8Array, context: string): Outcome {
  try {
    decodeKubeProtobuf(bytes);
    return 'decoded';
  } catch (error) {
    if (error instanceof ProtobufDecodeError) {
      // decodeKubeProtobuf wraps its own bugs as "undecodable body"; none may surface here.
      expect(error.message, context).not.toContain('undecodable body');
      expect(error.offset, context).toBeGreaterThanOrEqual(0);
      expect(error.offset, context).toBeLessThanOrEqual(bytes.length);
      return error.code;
    }
    throw new Error(`${context}: threw ${String(error)}`);
  }
}

function mutate(random: SeededRandom, source: Uint8Array): Uint8Array {
  const bytes = Array.from(source);
  const edits = random.int(1, 4);
  for (let i = 0; i < edits; i++) {
    const at = random.int(4, Math.max(4, bytes.length - 1));
    switch (random.int(0, 4)) {
      case 0:
        bytes[at] = random.int(0, 255);
        break;
      case 1:
        bytes[at] = (bytes[at] ?? 0) ^ (1 << random.int(0, 7));
        break;
      case 2:
        bytes.splice(at, random.int(1, 8));
        break;
      case 3:
        bytes.splice(at, 0, ...Array.from({ length: random.int(1, 12) }, () => random.int(0, 255)));
        break;
      default:
        // a run of continuation bytes: the worst case for varint readers
        bytes.splice(at, 0, ...new Array<number>(random.int(1, 16)).fill(0xff));
    }
  }
  return Uint8Array.from(bytes);
}

describe(`decoding fuzzed bodies (seed ${SEED}; replay with FUZZ_SEED=${SEED})`, () => {
  it('never throws anything but ProtobufDecodeError on mutated kubectl bodies', () => {
    const random = new SeededRandom(SEED);
    const seen = new Map<Outcome, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const source = random.pick(capturedBodies);
      const outcome = outcomeOf(mutate(random, source.bytes), `seed ${SEED} round ${round} (${source.cmd})`);
      seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
    }
    // The mutations must exercise both paths, or the test proves little.
    expect(seen.get('decoded') ?? 0).toBeGreaterThan(0);
    expect(seen.get(ProtobufErrorCode.Truncated) ?? 0).toBeGreaterThan(0);
    expect(seen.get(ProtobufErrorCode.Malformed) ?? 0).toBeGreaterThan(0);
  });

  it('never throws anything but ProtobufDecodeError on random bytes behind the magic', () => {
    const random = new SeededRandom(SEED + 1);
    for (let round = 0; round < ROUNDS; round++) {
      const garbage = Array.from({ length: random.int(0, 64) }, () => random.int(0, 255));
      outcomeOf(Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...garbage]), `seed ${SEED + 1} round ${round}`);
    }
  });

  it('rejects every truncation of every captured body that cuts into the envelope or the object', () => {
    for (const body of capturedBodies) {
      // magic (4), typeMeta (tag, 1-byte length, payload), then raw; the object's bytes end 4 bytes
      // before the body does (empty contentEncoding and contentType follow).
      const rawTagAt = 4 + 2 + (body.bytes[5] ?? 0);
      expect(body.bytes[rawTagAt]).toBe(0x12);
      for (let length = 0; length < body.bytes.length - 4; length++) {
        // Cut exactly before raw, the body is a complete envelope of an object with no fields.
        if (length === rawTagAt) continue;
        const outcome = outcomeOf(body.bytes.subarray(0, length), `${body.cmd} cut at ${length}`);
        expect(outcome, `${body.cmd} cut at ${length}`).not.toBe('decoded');
      }
    }
  });
});
