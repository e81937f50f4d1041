// Writes a container's stdout and stderr into one CRI-format log file, line by line, as
// containerd's cio does: each line gets the time it was read; lines longer than
// MAX_LOG_LINE_BYTES become P records followed by an F record.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { LogStream } from '@skiff/kubelet';
import { encodeLogLine, formatRfc3339Nano, MAX_LOG_LINE_BYTES } from './cri-log.js';

export type NanoClock = () => bigint;

/** Wall-clock nanoseconds: Date.now() at start plus a monotonic high-resolution offset. */
export function wallClockNs(): NanoClock {
  const originNs = BigInt(Date.now()) * 1_000_000n;
  const originHr = process.hrtime.bigint();
  return () => originNs + (process.hrtime.bigint() - originHr);
}

/** Splits a byte stream into records; `emit` gets each record's content and tag. */
export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly emit: (content: string, tag: 'F' | 'P') => void) {}

  push(chunk: Buffer): void {
    let data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (let guard = 0; guard < 1_000_000; guard++) {
      const nl = data.indexOf(0x0a);
      if (nl >= 0 && nl <= MAX_LOG_LINE_BYTES) {
        this.emit(data.subarray(0, nl).toString('utf8'), 'F');
        data = data.subarray(nl + 1);
      } else if (data.length > MAX_LOG_LINE_BYTES) {
        this.emit(data.subarray(0, MAX_LOG_LINE_BYTES).toString('utf8'), 'P');
        data = data.subarray(MAX_LOG_LINE_BYTES);
      } else break;
    }
    this.pending = Buffer.from(data);
  }

  /** A last line without a newline still ends as an F record (the stream closed). */
  end(): void {
    if (this.pending.length > 0) this.emit(this.pending.toString('utf8'), 'F');
    this.pending = Buffer.alloc(0);
  }
}

export class ContainerLogWriter {
  private readonly file: WriteStream;
  private open = 2;
  private readonly done: Promise<void>;
  private failure: Error | undefined;

  constructor(
    path: string,
    stdout: Readable,
    stderr: Readable,
    private readonly nowNs: NanoClock,
  ) {
    this.file = createWriteStream(path, { flags: 'a' });
    this.file.on('error', (e) => (this.failure = e));
    this.done = new Promise((resolve) => {
      const closed = (): void => {
        if (--this.open === 0) this.file.end(() => resolve());
      };
      this.pipe(stdout, 'stdout', closed);
      this.pipe(stderr, 'stderr', closed);
    });
  }

  /** Resolves once both streams ended and every record is on disk. */
  finished(): Promise<void> {
    return this.done;
  }

  get error(): Error | undefined {
    return this.failure;
  }

  private pipe(source: Readable, stream: LogStream, closed: () => void): void {
    const splitter = new LineSplitter((content, tag) => {
      this.file.write(encodeLogLine(formatRfc3339Nano(this.nowNs()), stream, tag, content));
    });
    source.on('data', (chunk: Buffer) => splitter.push(chunk));
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      splitter.end();
      closed();
    };
    source.on('end', end);
    source.on('close', end);
    source.on('error', end);
  }
}
