// The envelope codec: every payload on the bus is a msgpack map `{ v: 1, type, ...fields }`.
// One Encoder and one Decoder are reused for the process (allocating them per message costs more
// than the encoding itself on small messages). Byte fields (Uint8Array) travel as msgpack `bin`, so
// a stored object crosses the apiserver and the store as opaque bytes, encoded once.
//
// Decoded `bin` fields are views into the received buffer (no copy): a receiver that keeps one for
// long and wants to free the message's buffer should `slice()` it.

import { Decoder, Encoder } from '@msgpack/msgpack';
import { DecodeError } from './errors.js';

export const ENVELOPE_VERSION = 1;

/** A decoded envelope: a version, a discriminating `type`, and the message's own fields. */
export interface Envelope {
  readonly v: typeof ENVELOPE_VERSION;
  readonly type: string;
  readonly [field: string]: unknown;
}

/** The error reply every endpoint sends instead of crashing (DESIGN.md §3). */
export interface ErrorEnvelope extends Envelope {
  readonly type: 'error';
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: unknown;
}

export const ERROR_CODES = [
  'BadRequest',
  'Internal',
  'NotFound',
  'Conflict',
  'Forbidden',
  'Unauthorized',
  'Unavailable',
  'Timeout',
  'Gone',
] as const;
export type KnownErrorCode = (typeof ERROR_CODES)[number];
export type ErrorCode = KnownErrorCode | (string & {});

// ignoreUndefined: an absent optional field must stay absent, not arrive as null.
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

/**
 * Encodes a message as an envelope. The message carries its `type` (and may carry `v: 1`);
 * `v` is added when missing.
 */
export function encode<T extends { readonly type: string }>(msg: T): Uint8Array {
  const v = (msg as { readonly v?: unknown }).v;
  if (typeof msg.type !== 'string' || msg.type === '') throw new TypeError('envelope needs a non-empty string type');
  if (v === ENVELOPE_VERSION) return encoder.encode(msg);
  if (v !== undefined) throw new TypeError(`envelope version must be ${ENVELOPE_VERSION}, got ${String(v)}`);
  return encoder.encode({ v: ENVELOPE_VERSION, ...msg });
}

/** Decodes and checks an envelope; anything else is a DecodeError (never a crash). */
export function decode(bytes: Uint8Array): Envelope {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('payload is not bytes');
  if (bytes.length === 0) throw new DecodeError('empty payload');
  let value: unknown;
  try {
    value = decoder.decode(bytes);
  } catch (err) {
    throw new DecodeError(`malformed msgpack: ${(err as Error).message}`, err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new DecodeError(`envelope must be a map, got ${describe(value)}`);
  }
  const env = value as Record<string, unknown>;
  if (env['v'] !== ENVELOPE_VERSION) {
    throw new DecodeError(`unsupported envelope version ${describe(env['v'])} (expected ${ENVELOPE_VERSION})`);
  }
  if (typeof env['type'] !== 'string' || env['type'] === '') throw new DecodeError('envelope has no type');
  return env as Envelope;
}

/** A check that an envelope is one specific message. */
export type Guard<T extends Envelope> = (env: Envelope) => env is T;

/** Decodes and checks the shape with `guard`; DecodeError names the type when it does not fit. */
export function decodeAs<T extends Envelope>(bytes: Uint8Array, guard: Guard<T>): T {
  const env = decode(bytes);
  if (!guard(env)) throw new DecodeError(`unexpected shape for message of type ${JSON.stringify(env.type)}`);
  return env;
}

/** Field kinds for `guardOf`; a trailing `?` makes the field optional. */
export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'bytes' | 'array' | 'map' | 'any';
export type FieldSpec = FieldKind | `${FieldKind}?`;

/** Builds a guard from a type name and the kinds of its fields: enough for boundary checks. */
export function guardOf<T extends Envelope>(type: T['type'], fields: Readonly<Record<string, FieldSpec>>): Guard<T> {
  const specs = Object.entries(fields).map(([name, spec]) => {
    const optional = spec.endsWith('?');
    return { name, optional, kind: (optional ? spec.slice(0, -1) : spec) as FieldKind };
  });
  return (env: Envelope): env is T =>
    env.type === type &&
    specs.every(({ name, optional, kind }) => {
      const value = env[name];
      return (optional && (value === undefined || value === null)) || fieldIs(kind, value);
    });
}

function fieldIs(kind: FieldKind, value: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'bytes':
      return value instanceof Uint8Array;
    case 'array':
      return Array.isArray(value);
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
    case 'any':
      return value !== undefined;
  }
}

export function errorReply(code: ErrorCode, message: string, details?: unknown): ErrorEnvelope {
  const reply = { v: ENVELOPE_VERSION, type: 'error', code, message } as const;
  return details === undefined ? reply : { ...reply, details };
}

export function isErrorReply(env: Envelope): env is ErrorEnvelope {
  return env.type === 'error' && typeof env['code'] === 'string' && typeof env['message'] === 'string';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value === 'object' ? 'a map' : `${typeof value} ${JSON.stringify(value)}`;
}
