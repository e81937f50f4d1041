// Adapter: a small cluster DNS responder on UDP (node:dgram), answering `<svc>.<ns>.svc.<zone>`
// with A records from serviceDnsRecords(). Authoritative for the cluster zone only: no recursion,
// no TCP (answers are a few records, far below the 512-byte UDP limit of RFC 1035 §4.2.1).
// A malformed query is answered FORMERR when its id can be read, dropped otherwise; nothing in a
// datagram can take the process down.

import dgram from 'node:dgram';
import net from 'node:net';
import { DnsFormatError, DnsRcode, encodeDnsError, encodeDnsResponse, parseDnsQuery } from './dns-message.js';
import { answerDnsQuestion, DEFAULT_CLUSTER_DOMAIN, DEFAULT_DNS_TTL_SECONDS, type DnsRecords } from './dns-records.js';
import { ListenError } from './tcp-forwarder.js';

export interface DnsResponderOptions {
  readonly ip: string;
  readonly port: number;
  readonly clusterDomain?: string;
  readonly ttlSeconds?: number;
}

export interface DnsResponderStats {
  readonly queries: number;
  readonly malformed: number;
  readonly byRcode: Readonly<Record<number, number>>;
}

export class DnsResponder {
  private socket: dgram.Socket | undefined;
  private records: DnsRecords = new Map();
  private queries = 0;
  private malformed = 0;
  private readonly byRcode: Record<number, number> = {};

  constructor(private readonly opts: DnsResponderOptions) {}

  /** Replaces the records (call it from the same informer handlers that sync the proxier). */
  setRecords(records: DnsRecords): void {
    this.records = records;
  }

  /** The bound port (useful with port 0). */
  get port(): number {
    return this.socket?.address().port ?? this.opts.port;
  }

  stats(): DnsResponderStats {
    return { queries: this.queries, malformed: this.malformed, byRcode: { ...this.byRcode } };
  }

  listen(): Promise<void> {
    if (this.socket !== undefined) return Promise.resolve();
    const socket = dgram.createSocket({ type: net.isIPv6(this.opts.ip) ? 'udp6' : 'udp4' });
    return new Promise((resolve, reject) => {
      const failed = (err: NodeJS.ErrnoException) => {
        socket.close();
        reject(new ListenError(`${this.opts.ip}:${this.opts.port}/UDP`, err.code ?? 'UNKNOWN', err));
      };
      socket.once('error', failed);
      socket.bind({ address: this.opts.ip, port: this.opts.port, exclusive: true }, () => {
        socket.off('error', failed);
        socket.on('error', () => undefined);
        socket.on('message', (msg, rinfo) => this.answer(socket, msg, rinfo));
        this.socket = socket;
        resolve();
      });
    });
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private answer(socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    let reply: Uint8Array;
    try {
      const query = parseDnsQuery(msg);
      this.queries++;
      const answer =
        query.opcode === 0
          ? answerDnsQuestion(query.question, this.records, this.opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN, this.opts.ttlSeconds ?? DEFAULT_DNS_TTL_SECONDS)
          : { rcode: DnsRcode.NotImp, addresses: [], ttlSeconds: 0, authoritative: false };
      this.byRcode[answer.rcode] = (this.byRcode[answer.rcode] ?? 0) + 1;
      reply = encodeDnsResponse(query, answer);
    } catch (err) {
      this.malformed++;
      if (!(err instanceof DnsFormatError) || err.id === undefined) return;
      reply = encodeDnsError(err.id, DnsRcode.FormErr);
    }
    socket.send(reply, rinfo.port, rinfo.address);
  }
}
