// Reads a CRI-format log file for `kubectl logs`: --tail, --since and -f (follow until the
// container has exited and its writer has flushed, or the reader aborts). A malformed record is
// skipped, never fatal: a log file is user output, not a contract.
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogLine, LogOptions } from '@skiff/kubelet';
import { LogFormatError, parseLogLine, tailRecords } from './cri-log.js';

const READ_CHUNK_BYTES = 64 * 1024;

/** Bytes of a file from `offset` to its current end ('' when it does not exist yet). */
async function readFrom(path: string, offset: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw e;
  }
  try {
    const chunks: Buffer[] = [];
    let position = offset;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const buffer = Buffer.alloc(READ_CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}

/** Complete records of `data` (up to its last newline) and how many bytes they took. */
function parseRecords(data: Buffer): { records: LogLine[]; consumed: number } {
  const last = data.lastIndexOf(0x0a);
  if (last < 0) return { records: [], consumed: 0 };
  const records: LogLine[] = [];
  for (const text of data.subarray(0, last).toString('utf8').split('\n')) {
    try {
      records.push(parseLogLine(text));
    } catch (e) {
      if (!(e instanceof LogFormatError)) throw e;
    }
  }
  return { records, consumed: last + 1 };
}

export interface FollowControl {
  /** True once nothing more will be written (the container exited and its logs are flushed). */
  readonly finished: () => boolean;
  readonly pollIntervalMs?: number;
}

export async function* readLogFile(path: string, options: LogOptions, control: FollowControl): AsyncGenerator<LogLine> {
  const since = options.sinceTimeMs;
  const keep = (r: LogLine): boolean => since === undefined || r.timeMs >= since;
  let offset = 0;
  const initial = parseRecords(await readFrom(path, 0));
  offset += initial.consumed;
  const selected = initial.records.filter(keep);
  yield* options.tailLines === undefined ? selected : tailRecords(selected, options.tailLines);
  if (options.follow !== true) return;
  const pollMs = control.pollIntervalMs ?? 100;
  for (;;) {
    if (options.signal?.aborted === true) return;
    const finishedBefore = control.finished();
    const next = parseRecords(await readFrom(path, offset));
    offset += next.consumed;
    yield* next.records.filter(keep);
    if (finishedBefore && next.consumed === 0) return;
    try {
      await sleep(pollMs, undefined, options.signal === undefined ? {} : { signal: options.signal });
    } catch {
      return;
    }
  }
}
