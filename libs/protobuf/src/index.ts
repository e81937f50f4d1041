// @skiff/protobuf: decodes the `application/vnd.kubernetes.protobuf` request bodies that kubectl sends
// (it does not fall back to JSON after a 415) into the JSON objects the API serves. Responses are JSON
// (kubectl accepts them), except the /openapi/v2 document, which client-go only reads as protobuf.
export {
  KUBE_PROTOBUF_CONTENT_TYPE,
  KUBE_PROTOBUF_MAGIC,
  decodeKubeProtobuf,
  isKubeProtobuf,
  type DecodedKubeObject,
} from './kube-protobuf.js';
export { supportedKinds, type GroupVersionKind } from './kinds.js';
export { ProtobufDecodeError, ProtobufErrorCode } from './protobuf-error.js';
export type { JsonObject, JsonValue } from './schema.js';
export { encodeOpenApiV2Document, OPENAPI_V2_PROTOBUF_ACCEPT, OPENAPI_V2_PROTOBUF_CONTENT_TYPE } from './openapi-v2.js';
export { WireWriter } from './wire-writer.js';
