// The one error this package throws. Callers (the apiserver) map `code` onto an HTTP answer:
// UnsupportedKind and UnsupportedEncoding -> 415 Unsupported Media Type, the rest -> 400 Bad Request.

export const ProtobufErrorCode = {
  /** The input does not start with the `k8s\0` magic of Kubernetes' protobuf serializer. */
  NotKubeProtobuf: 'NotKubeProtobuf',
  /** A length or varint runs past the end of its enclosing message. */
  Truncated: 'Truncated',
  /** Well-framed bytes that break the protobuf or Kubernetes encoding rules. */
  Malformed: 'Malformed',
  /** The envelope names a kind this package has no schema for. */
  UnsupportedKind: 'UnsupportedKind',
  /** runtime.Unknown carries a contentEncoding (e.g. gzip) that is not implemented. */
  UnsupportedEncoding: 'UnsupportedEncoding',
} as const;
export type ProtobufErrorCode = (typeof ProtobufErrorCode)[keyof typeof ProtobufErrorCode];

export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
  constructor(
    readonly code: ProtobufErrorCode,
    message: string,
    /** Byte offset in the original input where the problem was found. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}
