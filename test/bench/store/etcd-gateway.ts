// A minimal etcd v3 client over etcd's gRPC JSON gateway (etcd 3.4 serves it on the client URL:
// POST /v3/kv/put, /v3/kv/range, /v3/kv/txn, /v3/watch, /v3/maintenance/status). Keys and values
// travel base64-encoded, int64 fields as decimal strings (proto3 JSON mapping). The benchmark uses
// it because no gRPC client is installed; the gateway is a grpc-gateway proxy inside etcd that
// re-encodes every request, so it costs etcd CPU that a gRPC client would not (the report says so).

import { Agent, request, type IncomingMessage } from 'node:http';

export class EtcdHttpError extends Error {
  override readonly name = 'EtcdHttpError';
  constructor(
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`etcd ${path}: HTTP ${status}: ${body.slice(0, 200)}`);
  }
}

export interface EtcdKv {
  readonly key: string;
  readonly value: Uint8Array;
  readonly modRevision: number;
}

interface RawKv {
  key?: string;
  value?: string;
  mod_revision?: string;
}
interface RawHeader {
  revision?: string;
  member_id?: string;
  raft_term?: string;
}

export interface EtcdStatus {
  readonly memberId: string;
  readonly leader: string;
  readonly raftIndex: number;
  readonly raftAppliedIndex: number;
  readonly raftTerm: number;
}

export const b64 = (s: string | Uint8Array): string => Buffer.from(s).toString('base64');
const fromB64 = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64');

function toKv(raw: RawKv): EtcdKv {
  return { key: fromB64(raw.key).toString('utf8'), value: fromB64(raw.value), modRevision: Number(raw.mod_revision ?? 0) };
}

/** The end of a prefix range: the prefix with its last byte incremented (etcd clientv3 GetPrefixRangeEnd). */
export function prefixRangeEnd(prefix: string): string {
  const bytes = Buffer.from(prefix);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      bytes[i] = bytes[i]! + 1;
      return b64(bytes.subarray(0, i + 1));
    }
  }
  return b64(Buffer.from([0]));
}

export class EtcdGateway {
  constructor(
    /** Client URL, e.g. http://127.0.0.1:2379 */
    readonly endpoint: string,
    private readonly agent: Agent,
  ) {}

  async put(key: string, value: Uint8Array, timeoutMs?: number): Promise<number> {
    const r = await this.post<{ header?: RawHeader }>('/v3/kv/put', { key: b64(key), value: b64(value) }, timeoutMs);
    return Number(r.header?.revision ?? 0);
  }

  /** A linearizable range of one key (serializable: false, etcd's default: a ReadIndex round). */
  async get(key: string): Promise<EtcdKv | undefined> {
    const r = await this.post<{ kvs?: RawKv[] }>('/v3/kv/range', { key: b64(key) });
    const first = r.kvs?.[0];
    return first === undefined ? undefined : toKv(first);
  }

  /** Txn: if mod_revision(key) == expected then put else range (kube-apiserver's GuaranteedUpdate shape). */
  async casPut(key: string, expectedModRevision: number, value: Uint8Array): Promise<{ succeeded: boolean; revision: number; current?: EtcdKv }> {
    const k = b64(key);
    const r = await this.post<{ header?: RawHeader; succeeded?: boolean; responses?: { response_range?: { kvs?: RawKv[] } }[] }>('/v3/kv/txn', {
      compare: [{ key: k, target: 'MOD', result: 'EQUAL', mod_revision: String(expectedModRevision) }],
      success: [{ request_put: { key: k, value: b64(value) } }],
      failure: [{ request_range: { key: k } }],
    });
    const revision = Number(r.header?.revision ?? 0);
    if (r.succeeded === true) return { succeeded: true, revision };
    const raw = r.responses?.[0]?.response_range?.kvs?.[0];
    return raw === undefined ? { succeeded: false, revision } : { succeeded: false, revision, current: toKv(raw) };
  }

  async status(timeoutMs = 1_000): Promise<EtcdStatus> {
    const r = await this.post<{ header?: RawHeader; leader?: string; raftIndex?: string; raftAppliedIndex?: string; raftTerm?: string }>(
      '/v3/maintenance/status',
      {},
      timeoutMs,
    );
    return {
      memberId: r.header?.member_id ?? '',
      leader: r.leader ?? '',
      raftIndex: Number(r.raftIndex ?? 0),
      raftAppliedIndex: Number(r.raftAppliedIndex ?? r.raftIndex ?? 0),
      raftTerm: Number(r.raftTerm ?? 0),
    };
  }

  /**
   * A watch on a prefix: the gateway streams one JSON message per line ({"result": WatchResponse}).
   * Resolves once etcd confirmed the watch (the `created` message); the returned function ends it.
   */
  watchPrefix(prefix: string, onEvent: (kv: EtcdKv) => void): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const body = JSON.stringify({ create_request: { key: b64(prefix), range_end: prefixRangeEnd(prefix) } });
      // Its own agent: a long-lived stream must not hold one of the load's pooled sockets.
      const req = request(`${this.endpoint}/v3/watch`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false });
      let created = false;
      req.on('response', (res: IncomingMessage) => {
        if (res.statusCode !== 200) return reject(new EtcdHttpError('/v3/watch', res.statusCode ?? 0, ''));
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (line === '') continue;
            const msg = JSON.parse(line) as { result?: { created?: boolean; events?: { kv?: RawKv }[] } };
            if (msg.result?.created === true && !created) {
              created = true;
              resolve(() => req.destroy());
            }
            for (const e of msg.result?.events ?? []) if (e.kv !== undefined) onEvent(toKv(e.kv));
          }
        });
      });
      req.on('error', (err) => {
        if (!created) reject(err);
      });
      req.end(body);
    });
  }

  private post<T>(path: string, body: unknown, timeoutMs?: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = request(`${this.endpoint}${path}`, {
        method: 'POST',
        agent: this.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      });
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => req.destroy(new Error(`etcd ${path}: no answer in ${timeoutMs} ms`)), timeoutMs);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(new EtcdHttpError(path, res.statusCode ?? 0, text));
          try {
            resolve(JSON.parse(text) as T);
          } catch (err) {
            reject(err as Error);
          }
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(payload);
    });
  }
}
