// Adapter: writing answers on a node:http response. JSON bodies carry their length; a response the
// client has gone away from is left alone.

import type { ServerResponse } from 'node:http';
import type { Status } from './status.js';

export const JSON_TYPE = 'application/json';

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, code, JSON.stringify(body), { 'Content-Type': JSON_TYPE, ...headers });
}

/** A pre-serialised JSON document (cached discovery and OpenAPI). */
export function sendRawJson(res: ServerResponse, code: number, json: string, headers: Record<string, string> = {}): void {
  sendText(res, code, json, { 'Content-Type': JSON_TYPE, ...headers });
}

export function sendStatus(res: ServerResponse, status: Status, headers: Record<string, string> = {}): void {
  sendJson(res, status.code, status, headers);
}

export function sendText(res: ServerResponse, code: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    if (!res.writableEnded) res.end();
    return;
  }
  const body = Buffer.from(text, 'utf8');
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', ...headers, 'Content-Length': String(body.length) });
  res.end(body);
}
