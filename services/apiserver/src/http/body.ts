// Request bodies: read with a size bound (Kubernetes refuses bodies over 3 MB with 413, see
// apiserver's `MaxRequestBodyBytes`), then decoded by media type:
//   JSON (and every `+json` patch type; also no Content-Type at all: `kubectl scale` sends none),
//   YAML (`application/yaml`, and server-side apply's `application/apply-patch+yaml`, whose body
//   kubectl sends as JSON: JSON is YAML), Kubernetes protobuf (`application/vnd.kubernetes.protobuf`,
//   the `k8s\0` envelope some kubectl commands send, decoded by the injected decoder).
// A body that does not decode is a 400 (or 415 for a media type or protobuf kind we do not read);
// nothing is thrown past the request.

import type { IncomingMessage } from 'node:http';
import { parseAllDocuments } from 'yaml';
import { ApiError, badRequestStatus, requestEntityTooLargeStatus, unsupportedMediaTypeStatus } from '@skiff/apimachinery';

export const BODY_LIMIT_BYTES = 3 * 1024 * 1024;
/** After a 413, at most this much more of the refused body is read and dropped before the socket is cut. */
const DISCARD_LIMIT_BYTES = 16 * 1024 * 1024;

export function tooLarge(limitBytes: number): ApiError {
  return new ApiError(requestEntityTooLargeStatus(`limit is ${limitBytes}`));
}

export function badRequest(message: string): ApiError {
  return new ApiError(badRequestStatus(message));
}

/** Reads the whole body, or throws a 413 ApiError as soon as it passes `limitBytes`. */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    discard(req);
    return Promise.reject(tooLarge(limitBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        req.off('data', onData);
        req.off('end', onEnd);
        discard(req);
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks, size));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/** Lets the client finish sending (so it reads our answer), up to a bound; then cuts the connection. */
function discard(req: IncomingMessage): void {
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DISCARD_LIMIT_BYTES) req.socket.destroy();
  });
  req.resume();
}

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'application/apply-patch+yaml']);
const ACCEPTED = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** Turns `k8s\0`-enveloped protobuf into the object's JSON form (@skiff/protobuf's decodeKubeProtobuf). */
export type ProtobufDecoder = (bytes: Uint8Array) => unknown;

/**
 * The body as a JSON value, or undefined for an empty one. `mediaType` is the Content-Type without
 * parameters. Throws an ApiError 400 (does not parse) or 415 (media type or protobuf kind unknown).
 */
export function decodeBody(bytes: Uint8Array, mediaType: string | undefined, decodeProtobuf: ProtobufDecoder): unknown {
  if (bytes.length === 0) return undefined;
  if (mediaType === undefined || mediaType === 'application/json' || mediaType.endsWith('+json')) return parseJson(bytes);
  if (YAML_TYPES.has(mediaType)) return parseYaml(bytes);
  if (mediaType === PROTOBUF) return decodeProtobufBody(bytes, decodeProtobuf);
  throw new ApiError(unsupportedMediaTypeStatus(ACCEPTED));
}

function parseJson(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`json parse error: ${(err as Error).message}`);
  }
}

function parseYaml(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  if (!Array.isArray(docs)) throw badRequest('yaml parse error: no document');
  if (docs.length !== 1) throw badRequest(`yaml parse error: expected one document, got ${docs.length}`);
  const doc = docs[0]!;
  if (doc.errors.length > 0) throw badRequest(`yaml parse error: ${doc.errors[0]!.message}`);
  // Plain JSON values only: no aliases expanded into huge trees, dates stay strings.
  return doc.toJS({ maxAliasCount: 100 });
}

function decodeProtobufBody(bytes: Uint8Array, decode: ProtobufDecoder): unknown {
  try {
    return decode(bytes);
  } catch (err) {
    const e = err as { code?: unknown; message?: string };
    const message = e.message ?? String(err);
    // @skiff/protobuf's ProtobufDecodeError: a kind or encoding it has no schema for is our
    // limitation (415, retry as JSON); anything else is a body that is not what it claims (400).
    if (e.code === 'UnsupportedKind' || e.code === 'UnsupportedEncoding') {
      const status = unsupportedMediaTypeStatus(ACCEPTED);
      throw new ApiError({ ...status, message: `${message}; ${status.message ?? ''}` });
    }
    throw badRequest(`protobuf decode error: ${message}`);
  }
}

/** Create, update and delete bodies are objects; a patch may be anything its type allows. */
export function requireObject(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`${what}: the request body must be a JSON object`);
  }
  return body as Record<string, unknown>;
}
