// This member's Raft traffic on the bus: publishes each Ready's messages (batched per peer, see
// raft-transport.ts) and feeds what arrives on `store.raft.<self>` to the core. Garbage is
// counted and dropped; the loop never ends on one bad payload.

import type { Bus, Subjects, Subscription } from '@skiff/bus';
import type { Message } from '@skiff/raft';
import { batchByDestination, decodeRaftEnvelope } from './raft-transport.js';

export interface RaftLinkStats {
  received: number;
  rejected: number;
  sendFailures: number;
}

export interface RaftLinkPort {
  deliver(message: Message): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export class RaftLink {
  readonly stats: RaftLinkStats = { received: 0, rejected: 0, sendFailures: 0 };
  private readonly subjectOf = new Map<string, string>();
  private sub: Subscription | null = null;

  constructor(
    private readonly bus: Bus,
    subjects: Subjects,
    private readonly self: string,
    members: readonly string[],
    private readonly budgetBytes: number,
    private readonly port: RaftLinkPort,
  ) {
    for (const m of members) this.subjectOf.set(m, subjects.storeRaft(m));
  }

  start(): void {
    const sub = this.bus.subscribe(this.subjectOf.get(this.self)!);
    this.sub = sub;
    void (async () => {
      try {
        for await (const msg of sub) this.receive(msg.data);
      } catch (err) {
        this.port.warn({ err }, 'raft inbox ended');
      }
    })();
  }

  stop(): void {
    this.sub?.unsubscribe();
    this.sub = null;
  }

  send(messages: readonly Message[]): void {
    if (messages.length === 0) return;
    for (const [to, envelopes] of batchByDestination(this.self, messages, this.budgetBytes)) {
      const subject = this.subjectOf.get(to);
      if (subject === undefined) continue;
      for (const data of envelopes) {
        try {
          this.bus.publish(subject, data);
        } catch (err) {
          this.stats.sendFailures++;
          this.port.warn({ err, to }, 'raft message not sent');
        }
      }
    }
  }

  private receive(data: Uint8Array): void {
    if (this.sub === null) return;
    const { messages, problems } = decodeRaftEnvelope(data, this.self);
    if (problems.length > 0) {
      this.stats.rejected += problems.length;
      this.port.warn({ problems: problems.slice(0, 3), rejected: this.stats.rejected }, 'raft input rejected');
    }
    this.stats.received += messages.length;
    for (const m of messages) this.port.deliver(m);
  }
}
