/* eslint-disable @typescript-eslint/no-explicit-any -- parsed JSON in tests: the assertions check its shape */
// A minimal HTTP(S) client for the front's tests: trusts the server's CA, sends the admin token
// when asked, and reads watch streams line by line.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ApiServer } from '../../src/server.js';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly text: string;
  json(): any;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
  /** Send `Authorization: Bearer <token>`; true: the admin token. */
  readonly token?: string | true;
}

function send(server: ApiServer, path: string, opts: RequestOptions): Promise<IncomingMessage> {
  const url = new URL(path, server.url);
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  // Node frames DELETE bodies only when told their length.
  if (opts.body !== undefined && headers['Transfer-Encoding'] === undefined) headers['Content-Length'] = String(Buffer.byteLength(opts.body));
  if (opts.token !== undefined) headers['Authorization'] = `Bearer ${opts.token === true ? server.pki.adminToken : opts.token}`;
  const reqOpts = { method: opts.method ?? 'GET', headers, ...(server.tls ? { ca: server.pki.ca.certPem } : {}) };
  return new Promise((resolve, reject) => {
    const req = (server.tls ? httpsRequest : httpRequest)(url, reqOpts, resolve);
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export async function call(server: ApiServer, path: string, opts: RequestOptions = {}): Promise<Reply> {
  const res = await send(server, path, opts);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return { status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) };
}

export interface LineStream {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  /** The next JSON line, or undefined when the stream ended. */
  next(): Promise<any>;
  close(): void;
}

export async function openStream(server: ApiServer, path: string, opts: RequestOptions = {}): Promise<LineStream> {
  const res = await send(server, path, opts);
  res.setEncoding('utf8');
  let buffer = '';
  const lines: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      lines.push(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
    wake?.();
  });
  const finish = (): void => {
    ended = true;
    wake?.();
  };
  res.on('end', finish);
  res.on('close', finish);
  res.on('error', finish);
  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    async next() {
      while (lines.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
      const line = lines.shift();
      return line === undefined ? undefined : JSON.parse(line);
    },
    close: () => res.destroy(),
  };
}

/** Polls `check` until it holds (bounded), for effects that happen after a response. */
export async function eventually(check: () => boolean | Promise<boolean>, attempts = 200): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}
