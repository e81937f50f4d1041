// The bytes of a log entry: one MVCC command as msgpack. Every member decodes the same bytes into
// the same command, so apply() gives the same result everywhere; a command that does not decode is
// applied as "nothing" on every member alike. An empty entry is a leader's no-op (Raft §8).

import { Decoder, Encoder } from '@msgpack/msgpack';
import type { Command } from '@skiff/mvcc';

// ignoreUndefined: an absent optional field stays absent (mvcc treats absent and null alike).
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

export function encodeCommand(command: Command): Uint8Array {
  return encoder.encode(command);
}

/** The command an entry carries, or undefined for bytes that are not one (mvcc checks the shape). */
export function decodeCommand(data: Uint8Array): Command | undefined {
  try {
    const value = decoder.decode(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Command) : undefined;
  } catch {
    return undefined;
  }
}
