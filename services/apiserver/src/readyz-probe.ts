// Adapter: asks a running API server's /readyz until it answers ok, as a client would see it
// (over TLS with the cluster CA), so that "ready" means reachable and serving, not only started.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface ReadyzProbeOptions {
  /** `https://127.0.0.1:6443` */
  readonly url: string;
  readonly caCertPem?: string;
  readonly token?: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

export class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
}

export async function waitForReadyz(opts: ReadyzProbeOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const { code, body } = await getOnce(opts, Math.min(2_000, opts.timeoutMs));
      if (code === 200 && body.trim() === 'ok') return;
      last = `${code}: ${body.trim().split('\n').filter((l) => l.startsWith('[-]')).join(', ') || body.trim()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() >= deadline) throw new NotReadyError(`${opts.url}/readyz did not answer ok within ${opts.timeoutMs} ms (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 100));
  }
}

function getOnce(opts: ReadyzProbeOptions, timeoutMs: number): Promise<{ code: number; body: string }> {
  const url = new URL('/readyz', opts.url);
  const tls = url.protocol === 'https:';
  const headers: Record<string, string> = opts.token === undefined ? {} : { Authorization: `Bearer ${opts.token}` };
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(url, { headers, timeout: timeoutMs, ...(tls && opts.caCertPem !== undefined ? { ca: opts.caCertPem } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 65_536) body += c;
      });
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
