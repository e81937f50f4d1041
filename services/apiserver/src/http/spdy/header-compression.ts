// Adapter: SPDY/3 header block compression (draft-mbelshe-httpbis-spdy-00 §2.6.10.1). Each
// direction of a connection is ONE zlib stream primed with the SPDY/3 dictionary; every block is
// cut with a sync flush, so a block can only be read after all earlier blocks of that direction.
// Calls are therefore queued: each resolves in the order it was made.
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';
import { SpdyProtocolError } from './spdy-frame.js';

export interface HeaderCompression {
  compress(block: Uint8Array): Promise<Uint8Array>;
  decompress(block: Uint8Array): Promise<Uint8Array>;
  close(): void;
}

/** A decompressed header block larger than this is refused (kubectl's are well under 1 KiB). */
const HEADER_BLOCK_MAX_BYTES = 256 * 1024;

export function spdyHeaderCompression(): HeaderCompression {
  const deflate = createDeflate({ dictionary: SPDY3_DICTIONARY });
  const inflate = createInflate({ dictionary: SPDY3_DICTIONARY });
  const out = queued(deflate, 'compress');
  const into = queued(inflate, 'decompress');
  return {
    compress: out,
    decompress: into,
    close: () => {
      deflate.destroy();
      inflate.destroy();
    },
  };
}

function queued(stream: Deflate | Inflate, what: string): (block: Uint8Array) => Promise<Uint8Array> {
  let chunks: Buffer[] = [];
  let failure: Error | undefined;
  let current: ((err: Error) => void) | undefined;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('error', (err) => {
    // A corrupt block breaks the context for good: this call and every later one fail.
    failure = new SpdyProtocolError(`header ${what}: ${err.message}`);
    current?.(failure);
  });
  let chain: Promise<unknown> = Promise.resolve();
  return (block) => {
    const run = (): Promise<Uint8Array> =>
      new Promise((resolve, reject) => {
        if (failure !== undefined) return reject(failure);
        chunks = [];
        current = reject;
        stream.write(block);
        stream.flush(constants.Z_SYNC_FLUSH, () => {
          // 'data' for the flushed bytes is emitted before the flush's callback (flowing mode).
          current = undefined;
          if (failure !== undefined) return reject(failure);
          const result = Buffer.concat(chunks);
          if (result.length > HEADER_BLOCK_MAX_BYTES) return reject(new SpdyProtocolError(`header block of ${result.length} bytes is too large`));
          resolve(new Uint8Array(result.buffer, result.byteOffset, result.length));
        });
      });
    const next = chain.then(run, run);
    chain = next.catch(() => undefined);
    return next;
  };
}
