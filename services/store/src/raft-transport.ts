// Raft messages on the bus (DESIGN.md §3, `store.raft.<member>`). The messages of one Ready that go
// to the same peer travel in one envelope, `{v, type: 'store.raft', from, messages}`, cut into
// several envelopes only when they would not fit in one bus message. Decoding is a boundary check:
// a payload that is not an envelope, or a message that parseMessage refuses, is counted and
// dropped; Raft resends whatever matters (Raft §5.3).

import { decode, encode } from '@skiff/bus';
import { parseMessage, type Message } from '@skiff/raft';

export interface RaftEnvelope {
  readonly type: 'store.raft';
  readonly from: string;
  readonly messages: readonly Message[];
}

/** Messages one envelope may carry (a bound on what a receiver decodes at once). */
export const MESSAGES_PER_ENVELOPE_MAX = 4_096;

/** Rough encoded size of a message: the bytes it carries plus a fixed allowance for its fields. */
export function messageSizeBytes(m: Message): number {
  if (m.type === 'AppendEntries') {
    let size = 96;
    for (const e of m.entries) size += e.data.byteLength + 24;
    return size;
  }
  if (m.type === 'InstallSnapshot') return 160 + m.data.byteLength + 16 * m.meta.members.length;
  return 96;
}

/** The envelopes to publish, per destination, in message order; each at most `budgetBytes` (one message always goes). */
export function batchByDestination(from: string, messages: readonly Message[], budgetBytes: number): Map<string, Uint8Array[]> {
  const groups = new Map<string, Message[][]>();
  const sizes = new Map<string, number>();
  for (const m of messages) {
    const size = messageSizeBytes(m);
    const lists = groups.get(m.to) ?? [];
    if (lists.length === 0) groups.set(m.to, lists);
    const current = lists.at(-1);
    const used = sizes.get(m.to) ?? 0;
    if (current === undefined || used + size > budgetBytes || current.length >= MESSAGES_PER_ENVELOPE_MAX) {
      lists.push([m]);
      sizes.set(m.to, size);
    } else {
      current.push(m);
      sizes.set(m.to, used + size);
    }
  }
  const out = new Map<string, Uint8Array[]>();
  for (const [to, lists] of groups) out.set(to, lists.map((list) => encode<RaftEnvelope>({ type: 'store.raft', from, messages: list })));
  return out;
}

export interface DecodedRaft {
  readonly messages: Message[];
  /** Why messages (or the whole payload) were dropped, one entry per problem. */
  readonly problems: string[];
}

/** The well-formed messages addressed to `self`; everything else is reported, never thrown. */
export function decodeRaftEnvelope(bytes: Uint8Array, self: string): DecodedRaft {
  let env;
  try {
    env = decode(bytes);
  } catch (err) {
    return { messages: [], problems: [(err as Error).message] };
  }
  const list = env['messages'];
  if (env.type !== 'store.raft' || !Array.isArray(list)) return { messages: [], problems: [`not a store.raft envelope (type ${JSON.stringify(env.type)})`] };
  if (list.length > MESSAGES_PER_ENVELOPE_MAX) return { messages: [], problems: [`${list.length} messages in one envelope, over ${MESSAGES_PER_ENVELOPE_MAX}`] };
  const messages: Message[] = [];
  const problems: string[] = [];
  for (const item of list as unknown[]) {
    try {
      const m = parseMessage(item);
      if (m.to === self) messages.push(m);
      else problems.push(`message for ${m.to} delivered to ${self}`);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return { messages, problems };
}
