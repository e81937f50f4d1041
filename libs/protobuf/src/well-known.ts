// Kubernetes types with their own JSON form. Each reads one embedded message and returns its JSON value,
// or undefined where Go would serve null (a zero Time), which the caller then omits.

import type { JsonObject, JsonValue } from './schema.js';
import { WireType, type WireReader } from './wire-reader.js';

/** Go's Time.MarshalJSON refuses years outside [0, 9999]. */
const MIN_SECONDS = -62167219200; // 0000-01-01T00:00:00Z
const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z
/**
 * metav1.Time {seconds=1, nanos=2}: RFC 3339 in UTC at whole seconds. Its proto Unmarshal keeps only
 * the seconds (time_proto.go: JSON clients only ever saw seconds) and a zero time is an empty message.
 */
export function readTime(reader: WireReader): string | undefined {
  const offset = reader.offset;
  if (reader.atEnd()) return undefined;
  let seconds = 0;
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.fieldNumber === 1) seconds = reader.expect(tag, WireType.Varint).readInt64();
    else if (tag.fieldNumber === 2) reader.expect(tag, WireType.Varint).readInt32();
    else reader.skip(tag);
  }
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw reader.malformed('timestamp outside years 0-9999', offset);
  // toISOString pads years below 1000 to four digits, as Go's layout does.
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

/** intstr.IntOrString {type=1 (0 Int, 1 String), intVal=2, strVal=3}. */
export function readIntOrString(reader: WireReader): number | string {
  const offset = reader.offset;
  let type = 0;
  let intVal = 0;
  let strVal = '';
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.fieldNumber === 1) type = reader.expect(tag, WireType.Varint).readInt64();
    else if (tag.fieldNumber === 2) intVal = reader.expect(tag, WireType.Varint).readInt32();
    else if (tag.fieldNumber === 3) strVal = reader.expect(tag, WireType.LengthDelimited).readString();
    else reader.skip(tag);
  }
  if (type === 0) return intVal;
  if (type === 1) return strVal;
  // Go's IntOrString.MarshalJSON fails the same way ("impossible IntOrString.Type").
  throw reader.malformed(`IntOrString has impossible type ${type}`, offset);
}

/** resource.Quantity {string=1}: served as its string; an empty message is the zero quantity. */
export function readQuantity(reader: WireReader): string {
  let value = '0';
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.fieldNumber === 1) value = reader.expect(tag, WireType.LengthDelimited).readString();
    else reader.skip(tag);
  }
  return value;
}

/** metav1.FieldsV1 {Raw=1}: Raw holds JSON, served inline. */
export function readFieldsV1(reader: WireReader): JsonValue {
  const offset = reader.offset;
  let raw: Uint8Array | undefined;
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.fieldNumber === 1) raw = reader.expect(tag, WireType.LengthDelimited).readBytes();
    else reader.skip(tag);
  }
  if (raw === undefined || raw.length === 0) return {} satisfies JsonObject;
  try {
    return JSON.parse(new TextDecoder().decode(raw)) as JsonValue;
  } catch {
    throw reader.malformed('FieldsV1 does not hold JSON', offset);
  }
}

/** A []string masked as a message {items=1} (authentication/authorization ExtraValue). */
export function readStringList(reader: WireReader): string[] {
  const items: string[] = [];
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.fieldNumber === 1) items.push(reader.expect(tag, WireType.LengthDelimited).readString());
    else reader.skip(tag);
  }
  return items;
}

/** Go's encoding/json serves []byte as standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
