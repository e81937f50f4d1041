// What `skiff kv` prints, in etcdctl's simple format (key line, value line), as pure functions so
// the format is tested without a cluster. Bytes that are not UTF-8 text print as hex with a
// `0x` prefix, so nothing binary reaches a terminal raw.

import type { KeyValue, LeaseStatus, LeaseTimeToLive, MvccEvent } from '@skiff/mvcc';
import { OptionError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function printable(bytes: Uint8Array): string {
  try {
    const text = utf8.decode(bytes);
    // Control characters other than tab and newline would garble the terminal.
    if (!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) return text;
  } catch {
    // not UTF-8: fall through to hex
  }
  return `0x${Buffer.from(bytes).toString('hex')}`;
}

export function formatKvs(kvs: readonly KeyValue[], keysOnly: boolean): string {
  return kvs.map((kv) => (keysOnly ? `${printable(kv.key)}\n` : `${printable(kv.key)}\n${printable(kv.value)}\n`)).join('');
}

export function formatEvent(revision: number, event: MvccEvent): string {
  const key = printable(event.kv.key);
  if (event.type === 'DELETE') return `DELETE ${key} (revision ${revision})\n`;
  return `PUT ${key} (revision ${revision})\n${printable(event.kv.value)}\n`;
}

export function formatLeaseTtl(lease: LeaseTimeToLive): string {
  if (lease.ttlSeconds < 0) return `lease ${lease.id.toString(16)} already expired\n`;
  const keys = lease.keys.length === 0 ? '' : `, attached keys(${lease.keys.map(printable).join(', ')})`;
  return `lease ${lease.id.toString(16)} granted with TTL(${lease.grantedTtlSeconds}s), remaining(${lease.ttlSeconds}s)${keys}\n`;
}

export function formatLeases(leases: readonly LeaseStatus[]): string {
  return `found ${leases.length} leases\n` + leases.map((l) => `${l.id.toString(16)}\n`).join('');
}

/** etcdctl prints lease ids in hex; accept hex (with or without 0x) or decimal with a `d` suffix. */
export function parseLeaseId(text: string): number {
  const decimal = /^(\d+)d$/.exec(text);
  const id = decimal !== null ? Number(decimal[1]) : Number.parseInt(text.replace(/^0x/i, ''), 16);
  if (!Number.isSafeInteger(id) || id <= 0 || (decimal === null && !/^(0x)?[0-9a-f]+$/i.test(text))) {
    throw new OptionError(`invalid lease id ${JSON.stringify(text)}: hex as printed by \`skiff kv lease grant\` (or decimal with a d suffix)`);
  }
  return id;
}
