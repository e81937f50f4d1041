// The trace of one simulated run: every delivery, drop, fault, operation and role change goes into
// one running hash (so "same seed, same run" is a comparison of two hex strings), and, when the
// caller asks for it, into readable lines stamped with simulated time (the replay of a failing seed).

import { createHash, type Hash } from 'node:crypto';
import type { NetworkEvent } from '@skiff/bus';
import type { Clock } from '@skiff/core';

/** 'events': faults, operations, roles, crashes; 'all': every network delivery as well. */
export type TraceLevel = 'off' | 'events' | 'all';

export class SimTrace {
  private readonly hash: Hash = createHash('sha256');
  private events = 0;

  constructor(
    private readonly clock: Clock,
    private readonly level: TraceLevel = 'off',
    private readonly print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  get eventCount(): number {
    return this.events;
  }

  /** A simulation event (fault, operation, role change): hashed, printed at 'events' and up. */
  note(kind: string, detail: string): void {
    const line = `${this.clock.now()} ${kind} ${detail}`;
    this.hash.update(line).update('\n');
    this.events++;
    if (this.level !== 'off') this.print(line);
  }

  /** A network event: hashed with its payload, printed only at 'all'. */
  network(event: NetworkEvent): void {
    const d = event.delivery;
    const head = `${this.clock.now()} ${event.type} #${d.seq} ${d.from}>${d.to} ${d.subject}${event.type === 'drop' ? ` (${event.reason})` : ''}`;
    this.hash.update(head).update(d.data);
    this.events++;
    if (this.level === 'all') this.print(`${head} ${d.data.byteLength}B`);
  }

  /** A line for the reader only (summaries); not part of the hash. */
  say(line: string): void {
    if (this.level !== 'off') this.print(line);
  }

  digest(): string {
    return this.hash.copy().digest('hex');
  }
}
