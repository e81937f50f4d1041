// The envelope of `application/vnd.kubernetes.protobuf` bodies (k8s.io/apimachinery/pkg/runtime/
// serializer/protobuf): the 4 magic bytes "k8s\0", then a runtime.Unknown message
//   Unknown { typeMeta = 1 (TypeMeta { apiVersion = 1, kind = 2 }), raw = 2, contentEncoding = 3,
//             contentType = 4 }
// whose raw bytes are the object's own message.

import { messageForKind } from './kinds.js';
import { decodeMessage } from './message-decoder.js';
import { ProtobufDecodeError, ProtobufErrorCode } from './protobuf-error.js';
import type { JsonObject } from './schema.js';
import { messageTable } from './schemas/index.js';
import { WireReader, WireType } from './wire-reader.js';

export const KUBE_PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
/** "k8s\0": a typed array cannot be frozen, so the shared constant is a frozen number array. */
export const KUBE_PROTOBUF_MAGIC: readonly number[] = Object.freeze([0x6b, 0x38, 0x73, 0x00]);

export interface DecodedKubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  /** The object as its JSON form, apiVersion and kind included. */
  readonly object: JsonObject;
}

interface UnknownEnvelope {
  apiVersion: string;
  kind: string;
  raw: { start: number; end: number };
  contentEncoding: string;
}

export function isKubeProtobuf(bytes: Uint8Array): boolean {
  if (bytes.length < KUBE_PROTOBUF_MAGIC.length) return false;
  return KUBE_PROTOBUF_MAGIC.every((b, i) => bytes[i] === b);
}

/** Decodes a Kubernetes protobuf body; throws ProtobufDecodeError and nothing else. */
export function decodeKubeProtobuf(bytes: Uint8Array): DecodedKubeObject {
  try {
    return decodeEnvelope(bytes);
  } catch (error) {
    if (error instanceof ProtobufDecodeError) throw error;
    // A bug of ours must still reach the caller as a 400, not crash the request handler.
    throw new ProtobufDecodeError(ProtobufErrorCode.Malformed, `undecodable body: ${String(error)}`, 0);
  }
}

function decodeEnvelope(bytes: Uint8Array): DecodedKubeObject {
  if (!isKubeProtobuf(bytes)) {
    throw new ProtobufDecodeError(ProtobufErrorCode.NotKubeProtobuf, 'body does not start with the k8s\\0 protobuf magic', 0);
  }
  const envelope = readUnknown(new WireReader(bytes, KUBE_PROTOBUF_MAGIC.length));
  const { apiVersion, kind } = envelope;
  if (kind === '') throw new ProtobufDecodeError(ProtobufErrorCode.Malformed, 'protobuf envelope names no kind', KUBE_PROTOBUF_MAGIC.length);
  if (envelope.contentEncoding !== '') {
    throw new ProtobufDecodeError(
      ProtobufErrorCode.UnsupportedEncoding,
      `protobuf envelope content encoding "${envelope.contentEncoding}" is not supported`,
      KUBE_PROTOBUF_MAGIC.length,
    );
  }
  const messageName = messageForKind(apiVersion, kind);
  if (messageName === undefined) {
    throw new ProtobufDecodeError(
      ProtobufErrorCode.UnsupportedKind,
      `no protobuf decoding for ${apiVersion === '' ? '' : `${apiVersion}, `}Kind=${kind}; send it as application/json`,
      KUBE_PROTOBUF_MAGIC.length,
    );
  }
  const body = decodeMessage(messageTable, messageName, new WireReader(bytes, envelope.raw.start, envelope.raw.end));
  return { apiVersion, kind, object: { apiVersion, kind, ...body } };
}

function readUnknown(reader: WireReader): UnknownEnvelope {
  const envelope: UnknownEnvelope = { apiVersion: '', kind: '', raw: { start: 0, end: 0 }, contentEncoding: '' };
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.fieldNumber === 1) readTypeMeta(reader.expect(tag, WireType.LengthDelimited).readMessage(), envelope);
    else if (tag.fieldNumber === 2) envelope.raw = reader.expect(tag, WireType.LengthDelimited).readLengthDelimited();
    else if (tag.fieldNumber === 3) envelope.contentEncoding = reader.expect(tag, WireType.LengthDelimited).readString();
    else reader.skip(tag); // contentType (4): the raw bytes are protobuf whatever it says
  }
  return envelope;
}

function readTypeMeta(reader: WireReader, envelope: UnknownEnvelope): void {
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.fieldNumber === 1) envelope.apiVersion = reader.expect(tag, WireType.LengthDelimited).readString();
    else if (tag.fieldNumber === 2) envelope.kind = reader.expect(tag, WireType.LengthDelimited).readString();
    else reader.skip(tag);
  }
}
