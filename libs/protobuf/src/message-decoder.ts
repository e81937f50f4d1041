// Schema-driven decoding: protobuf bytes of a described message -> the JSON object the Kubernetes API
// serves for it. Unknown field numbers are skipped (proto2), a known field with the wrong wire type is
// an error (as in Go's generated code), a singular field seen twice keeps its last value and an
// embedded message seen twice is merged (protobuf merge semantics).

import { ProtobufDecodeError, ProtobufErrorCode } from './protobuf-error.js';
import type { FieldSpec, JsonObject, JsonValue, MessageTable, ValueKind } from './schema.js';
import { readFieldsV1, readIntOrString, readQuantity, readStringList, readTime, toBase64 } from './well-known.js';
import { WireType, type FieldTag, type WireReader } from './wire-reader.js';

/** The deepest nesting the schema can produce is about 15; anything far deeper is hostile input. */
const MAX_DEPTH = 64;

const VARINT_KINDS: ReadonlySet<string> = new Set(['int32', 'int64', 'bool']);

export function decodeMessage(table: MessageTable, messageName: string, reader: WireReader): JsonObject {
  const target: JsonObject = {};
  decodeInto(table, messageName, reader, target, 0);
  return target;
}

function decodeInto(table: MessageTable, messageName: string, reader: WireReader, target: JsonObject, depth: number): void {
  if (depth > MAX_DEPTH) throw reader.malformed(`messages nested deeper than ${MAX_DEPTH}`);
  const spec = table[messageName];
  if (spec === undefined) {
    throw new ProtobufDecodeError(ProtobufErrorCode.Malformed, `no descriptor for message ${messageName}`, reader.offset);
  }
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    const field = spec[tag.fieldNumber];
    if (field === undefined) reader.skip(tag);
    else decodeField(table, field, tag, reader, target, depth);
  }
}

function decodeField(table: MessageTable, field: FieldSpec, tag: FieldTag, reader: WireReader, target: JsonObject, depth: number): void {
  const [jsonName, kind, mode] = field;
  if (kind.startsWith('inline:')) {
    decodeInto(table, kind.slice('inline:'.length), reader.expect(tag, WireType.LengthDelimited).readMessage(), target, depth + 1);
    return;
  }
  if (kind.startsWith('map:')) {
    decodeMapEntry(table, kind.slice('map:'.length) as ValueKind, jsonName, reader.expect(tag, WireType.LengthDelimited).readMessage(), target, depth);
    return;
  }
  const valueKind = kind as ValueKind;
  if (mode === 'repeated') {
    const list = ownArray(target, jsonName);
    // proto2 writers may pack repeated numbers into one length-delimited run; parsers accept both.
    if (VARINT_KINDS.has(valueKind) && tag.wireType === WireType.LengthDelimited) {
      const packed = reader.readMessage();
      while (!packed.atEnd()) list.push(readVarintValue(valueKind, packed));
    } else {
      list.push(decodeValue(table, valueKind, tag, reader, undefined, depth) ?? null);
    }
    return;
  }
  const value = decodeValue(table, valueKind, tag, reader, target[jsonName], depth);
  if (value === undefined || (mode !== 'keepZero' && isZero(value))) delete target[jsonName];
  else target[jsonName] = value;
}

function decodeMapEntry(table: MessageTable, valueKind: ValueKind, jsonName: string, entry: WireReader, target: JsonObject, depth: number): void {
  let key = '';
  let value: JsonValue | undefined = zeroOf(valueKind);
  while (!entry.atEnd()) {
    const tag = entry.readTag();
    if (tag.fieldNumber === 1) key = entry.expect(tag, WireType.LengthDelimited).readString();
    else if (tag.fieldNumber === 2) value = decodeValue(table, valueKind, tag, entry, undefined, depth);
    else entry.skip(tag);
  }
  setOwn(ownObject(target, jsonName), key, value ?? null);
}

function decodeValue(
  table: MessageTable,
  kind: ValueKind,
  tag: FieldTag,
  reader: WireReader,
  existing: JsonValue | undefined,
  depth: number,
): JsonValue | undefined {
  if (VARINT_KINDS.has(kind)) return readVarintValue(kind, reader.expect(tag, WireType.Varint));
  reader.expect(tag, WireType.LengthDelimited);
  switch (kind) {
    case 'string':
      return reader.readString();
    case 'bytes':
      return toBase64(reader.readBytes());
    case 'time':
      return readTime(reader.readMessage());
    case 'intOrString':
      return readIntOrString(reader.readMessage());
    case 'quantity':
      return readQuantity(reader.readMessage());
    case 'fieldsV1':
      return readFieldsV1(reader.readMessage());
    case 'stringList':
      return readStringList(reader.readMessage());
    default: {
      const target = isObject(existing) ? existing : {};
      decodeInto(table, kind.slice('msg:'.length), reader.readMessage(), target, depth + 1);
      return target;
    }
  }
}

function readVarintValue(kind: ValueKind, reader: WireReader): number | boolean {
  if (kind === 'bool') return reader.readBool();
  return kind === 'int64' ? reader.readInt64() : reader.readInt32();
}

/** The value a map entry without field 2 decodes to in Go. */
function zeroOf(kind: ValueKind): JsonValue | undefined {
  switch (kind) {
    case 'string':
    case 'bytes':
      return '';
    case 'int32':
    case 'int64':
    case 'intOrString':
      return 0;
    case 'bool':
      return false;
    case 'quantity':
      return '0';
    case 'stringList':
      return [];
    case 'time':
      return undefined;
    default:
      return {};
  }
}

function isZero(value: JsonValue): boolean {
  return value === '' || value === 0 || value === false;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ownArray(target: JsonObject, name: string): JsonValue[] {
  const current = target[name];
  if (Array.isArray(current)) return current;
  const list: JsonValue[] = [];
  target[name] = list;
  return list;
}

function ownObject(target: JsonObject, name: string): JsonObject {
  const current = target[name];
  if (isObject(current)) return current;
  const object: JsonObject = {};
  target[name] = object;
  return object;
}

/** Map keys come from the wire: define them as own properties so "__proto__" stays a plain key. */
function setOwn(object: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
