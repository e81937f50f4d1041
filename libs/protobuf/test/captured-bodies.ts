// kubectl v1.32.4's protobuf request bodies, captured by a recording server (fixtures/*.json, hex).
import { readFileSync } from 'node:fs';

export interface CapturedBody {
  readonly cmd: string;
  readonly method: string;
  readonly url: string;
  readonly contentType: string;
  readonly hex: string;
  readonly bytes: Uint8Array;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/kubectl-1.32-protobuf-bodies.json', import.meta.url), 'utf8')) as {
  bodies: Array<Omit<CapturedBody, 'bytes'>>;
};

export const capturedBodies: readonly CapturedBody[] = fixture.bodies.map((b) => ({
  ...b,
  bytes: Uint8Array.from(Buffer.from(b.hex, 'hex')),
}));
