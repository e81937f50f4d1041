// Cluster DNS: records from Services, the wire format, and the responder queried by Node's own
// resolver (c-ares) over real UDP.
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  answerDnsQuestion,
  DnsFormatError,
  DnsRcode,
  DnsResponder,
  DnsType,
  encodeDnsResponse,
  parseDnsQuery,
  serviceDnsRecords,
} from '../src/index.js';
import { endpoints, service, slice } from './fixtures.js';

/** A query as a stub resolver writes it (RFC 1035 §4.1): RD set, one question. */
function query(id: number, name: string, type: number, extra: { qdcount?: number } = {}): Buffer {
  const labels = name.split('.').flatMap((l) => [Buffer.from([l.length]), Buffer.from(l, 'ascii')]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(extra.qdcount ?? 1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([header, ...labels, Buffer.from([0]), tail]);
}

const SERVICES = [
  service('web', { clusterIP: '127.96.0.10', ports: [{ port: 80 }] }),
  service('db', { clusterIP: 'None', ports: [{ port: 5432 }] }, 'data'),
  service('ext', { type: 'ExternalName', externalName: 'example.com' }),
  service('pending', { ports: [{ port: 80 }] }),
];
const ENDPOINTS = [endpoints('db', [{ ready: [{ ip: '127.0.1.2' }, { ip: '127.0.1.1' }], notReady: [{ ip: '127.0.1.3' }], ports: [{ port: 5432 }] }], 'data')];

describe('serviceDnsRecords', () => {
  it('ClusterIP services get their ClusterIP, headless ones their ready endpoints, others nothing', () => {
    expect(Object.fromEntries(serviceDnsRecords(SERVICES, ENDPOINTS))).toEqual({
      'web.default.svc.cluster.local': ['127.96.0.10'],
      'db.data.svc.cluster.local': ['127.0.1.1', '127.0.1.2'],
    });
  });

  it('headless records follow EndpointSlices when there are any, and the cluster domain is configurable', () => {
    const slices = [slice('db-1', 'db', [{ ip: '127.0.1.7' }, { ip: '127.0.1.8', ready: false }], [{ port: 5432 }], 'data')];
    expect(serviceDnsRecords(SERVICES, [...ENDPOINTS, ...slices], 'skiff.test').get('db.data.svc.skiff.test')).toEqual(['127.0.1.7']);
  });
});

describe('answerDnsQuestion', () => {
  const records = serviceDnsRecords(SERVICES, ENDPOINTS);
  const ask = (name: string, type: number = DnsType.A) => answerDnsQuestion({ name, type, class: 1 }, records);

  it('A for a known name; NODATA for AAAA; NXDOMAIN in the zone; REFUSED outside it', () => {
    expect(ask('web.default.svc.cluster.local')).toEqual({ rcode: DnsRcode.NoError, addresses: ['127.96.0.10'], ttlSeconds: 5, authoritative: true });
    expect(ask('web.default.svc.cluster.local', DnsType.AAAA)).toMatchObject({ rcode: DnsRcode.NoError, addresses: [] });
    expect(ask('nope.default.svc.cluster.local')).toMatchObject({ rcode: DnsRcode.NXDomain, authoritative: true });
    expect(ask('example.com')).toMatchObject({ rcode: DnsRcode.Refused, authoritative: false });
  });
});

describe('DNS wire format', () => {
  it('parses a query and answers it with compressed A records', () => {
    const q = parseDnsQuery(query(0xbeef, 'Web.Default.svc.cluster.local', DnsType.A));
    expect(q).toMatchObject({ id: 0xbeef, opcode: 0, recursionDesired: true, question: { name: 'web.default.svc.cluster.local', type: 1, class: 1 } });
    const reply = Buffer.from(encodeDnsResponse(q, { rcode: 0, addresses: ['127.96.0.10', '10.0.0.1'], ttlSeconds: 5, authoritative: true }));
    expect(reply.readUInt16BE(0)).toBe(0xbeef);
    expect(reply.readUInt16BE(2)).toBe(0x8000 | 0x0400 | 0x0100); // QR, AA, RD; NOERROR
    expect([reply.readUInt16BE(4), reply.readUInt16BE(6)]).toEqual([1, 2]);
    const firstAnswer = 12 + q.questionBytes.length;
    expect(reply.readUInt16BE(firstAnswer)).toBe(0xc00c);
    expect(reply.readUInt32BE(firstAnswer + 6)).toBe(5);
    expect([...reply.subarray(firstAnswer + 12, firstAnswer + 16)]).toEqual([127, 96, 0, 10]);
    expect([...reply.subarray(firstAnswer + 28, firstAnswer + 32)]).toEqual([10, 0, 0, 1]);
  });

  it('rejects what is not a one-question query, keeping the id when it can', () => {
    expect(() => parseDnsQuery(Buffer.alloc(5))).toThrow(DnsFormatError);
    const two = (() => {
      try {
        parseDnsQuery(query(7, 'a.b', 1, { qdcount: 2 }));
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(two).toBeInstanceOf(DnsFormatError);
    expect((two as DnsFormatError).id).toBe(7);
    expect(() => parseDnsQuery(query(8, 'a.b', 1).subarray(0, 16))).toThrow(/past the message/);
  });
});

describe('DnsResponder over UDP', () => {
  let responder: DnsResponder | undefined;
  afterEach(() => responder?.close());

  it('answers Node\'s resolver, survives garbage, and follows setRecords', async () => {
    responder = new DnsResponder({ ip: '127.96.0.54', port: 0 });
    responder.setRecords(serviceDnsRecords(SERVICES, ENDPOINTS));
    await responder.listen();
    const resolver = new Resolver({ timeout: 1_000, tries: 3 });
    resolver.setServers([`127.96.0.54:${responder.port}`]);
    expect(await resolver.resolve4('web.default.svc.cluster.local')).toEqual(['127.96.0.10']);
    expect((await resolver.resolve4('db.data.svc.cluster.local')).sort()).toEqual(['127.0.1.1', '127.0.1.2']);
    await expect(resolver.resolve4('nope.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });

    // A datagram that is not DNS, then one with two questions (FORMERR back): the responder goes on.
    const raw = dgram.createSocket('udp4');
    const formErr = await new Promise<Buffer>((resolve) => {
      raw.on('message', (m) => resolve(m));
      raw.send(Buffer.from('hello'), responder!.port, '127.96.0.54');
      raw.send(query(42, 'web.default.svc.cluster.local', 1, { qdcount: 2 }), responder!.port, '127.96.0.54');
    });
    raw.close();
    expect([formErr.readUInt16BE(0), formErr.readUInt16BE(2) & 0xf]).toEqual([42, DnsRcode.FormErr]);
    expect(responder.stats().malformed).toBe(2);

    responder.setRecords(serviceDnsRecords([service('web', { clusterIP: '127.96.0.99', ports: [{ port: 80 }] })], []));
    expect(await resolver.resolve4('web.default.svc.cluster.local')).toEqual(['127.96.0.99']);
  });
});
