// The CRI log format that containerd and CRI-O write and the kubelet reads
// (k8s.io/cri-api, "CRI logging format"; pkg/kubelet/kuberuntime/logs):
//   <RFC3339Nano timestamp> <stdout|stderr> <P|F> <content>\n
// P marks a partial line (split because it was too long), F the last piece of a line.
// Pure: the caller supplies the time.
import type { LogLine, LogStream } from '@skiff/kubelet';

/** containerd splits lines longer than this many bytes into P records. */
export const MAX_LOG_LINE_BYTES = 16 * 1024;

/** Go's time.RFC3339Nano in UTC: nanoseconds with trailing zeros trimmed, no dot when zero. */
export function formatRfc3339Nano(epochNs: bigint): string {
  const ms = Number(epochNs / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  const nanos = epochNs % 1_000_000_000n;
  if (nanos === 0n) return `${base}Z`;
  return `${base}.${nanos.toString().padStart(9, '0').replace(/0+$/, '')}Z`;
}

const timestampRe = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of an RFC 3339 timestamp, or undefined. */
export function parseRfc3339Ms(text: string): number | undefined {
  const m = timestampRe.exec(text);
  if (m === null) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  return ms + Number(fraction);
}

export function encodeLogLine(timestamp: string, stream: LogStream, tag: 'F' | 'P', content: string): string {
  return `${timestamp} ${stream} ${tag} ${content}\n`;
}

export class LogFormatError extends Error {
  override readonly name = 'LogFormatError';
}

/** Parses one record (without its newline). Throws LogFormatError on a malformed record. */
export function parseLogLine(record: string): LogLine {
  const first = record.indexOf(' ');
  const second = record.indexOf(' ', first + 1);
  const third = record.indexOf(' ', second + 1);
  if (first < 0 || second < 0) throw new LogFormatError(`malformed CRI log line: ${JSON.stringify(record.slice(0, 80))}`);
  const timestamp = record.slice(0, first);
  const stream = record.slice(first + 1, second);
  const tag = third < 0 ? record.slice(second + 1) : record.slice(second + 1, third);
  const content = third < 0 ? '' : record.slice(third + 1);
  const timeMs = parseRfc3339Ms(timestamp);
  if (timeMs === undefined) throw new LogFormatError(`bad timestamp in CRI log line: ${JSON.stringify(timestamp)}`);
  if (stream !== 'stdout' && stream !== 'stderr') throw new LogFormatError(`bad stream in CRI log line: ${JSON.stringify(stream)}`);
  if (tag !== 'F' && tag !== 'P') throw new LogFormatError(`bad tag in CRI log line: ${JSON.stringify(tag)}`);
  return { timestamp, timeMs, stream, tag, content };
}

/**
 * What `kubectl logs` prints for a record: the content, preceded by the timestamp and a space
 * with --timestamps; a newline only after the last piece (F) of a line.
 */
export function formatForKubectl(line: LogLine, timestamps: boolean): string {
  const prefix = timestamps ? `${line.timestamp} ` : '';
  return `${prefix}${line.content}${line.tag === 'F' ? '\n' : ''}`;
}

/** The last `n` complete lines of a list of records (P pieces belong to the next F). */
export function tailRecords(records: readonly LogLine[], n: number): LogLine[] {
  if (n < 0) return [...records];
  let lines = 0;
  let i = records.length;
  while (i > 0) {
    const rec = records[i - 1]!;
    if (rec.tag === 'F') {
      if (lines === n) break;
      lines++;
    }
    i--;
  }
  return records.slice(i);
}
