// The production registry and protobuf decoder of the front: @skiff/api's resources and OpenAPI
// documents, and @skiff/protobuf's decoder of kubectl's `application/vnd.kubernetes.protobuf` bodies.

import { openApiV3Document, resources } from '@skiff/api';
import { decodeKubeProtobuf } from '@skiff/protobuf';
import type { ProtobufDecoder } from './http/body.js';
import type { Registry } from './http/registry.js';

export const apiRegistry: Registry = { resources, openApiV3Document };

/** The object of a protobuf body, apiVersion and kind included; throws ProtobufDecodeError. */
export const decodeProtobufBody: ProtobufDecoder = (bytes) => decodeKubeProtobuf(bytes).object;
