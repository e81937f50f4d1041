// The end of `<data-dir>/skiff.log`, readable: shown when a detached cluster fails to start.
// The log mixes pino JSON lines (the components) with plain lines (progress and errors the child
// printed); JSON lines are shortened to `LEVEL message: error`.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const PINO_LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** One log line for a person: pino JSON condensed, anything else as it is. */
export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof entry['level'] === 'number' ? (PINO_LEVELS[entry['level']] ?? String(entry['level'])) : '';
  const part = typeof entry['part'] === 'string' ? `[${entry['part']}] ` : '';
  const msg = typeof entry['msg'] === 'string' ? entry['msg'] : '';
  const err = entry['err'] as { message?: unknown } | undefined;
  const reason = typeof err?.message === 'string' ? `: ${err.message}` : '';
  return `${level.padEnd(5)} ${part}${msg}${reason}`;
}

/** The last `count` non-empty lines of `text`, formatted. */
export function lastLines(text: string, count: number): string[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-count).map(formatLogLine);
}

/** Reads at most the last `maxBytes` of a file; '' when it cannot be read. */
export function readTail(file: string, maxBytes = 64 * 1024): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    // Drop the first, probably partial, line when the read started mid-file.
    return length < size ? text.slice(text.indexOf('\n') + 1) : text;
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
