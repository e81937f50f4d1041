// The key material in <dataDir>/pki: made once, reused on restart, the serving certificate
// reissued when it must name a new address, and a CA that cannot sign refused loudly.

import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePki, PkiError } from '../../src/tls/pki.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-pki-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ensurePki', async () => {
  it('creates a CA, a serving certificate for loopback and the configured addresses, and an admin token', async () => {
    const dir = tempDir();
    const pki = await ensurePki({ dataDir: dir, extraSans: ['10.1.2.3', 'api.example.test'], nowMs: NOW });
    expect(pki.issued).toHaveLength(3);
    const ca = new X509Certificate(pki.ca.certPem);
    const serving = new X509Certificate(pki.serving.certPem);
    expect(ca.ca).toBe(true);
    expect(serving.ca).toBe(false);
    expect(serving.verify(ca.publicKey)).toBe(true);
    for (const ip of ['127.0.0.1', '::1', '10.1.2.3']) expect(serving.checkIP(ip)).toBe(ip);
    for (const host of ['localhost', 'kubernetes.default.svc', 'api.example.test']) expect(serving.checkHost(host)).toBe(host);
    expect(serving.checkIP('10.9.9.9')).toBeUndefined();
    expect(pki.adminToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    for (const f of ['ca.key', 'apiserver.key', 'admin.token']) expect(statSync(join(dir, 'pki', f)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8')).toBe(pki.ca.certPem);
  });

  it('reuses everything on restart', async () => {
    const dir = tempDir();
    const first = await ensurePki({ dataDir: dir, nowMs: NOW });
    const second = await ensurePki({ dataDir: dir, nowMs: NOW + 86_400_000 });
    expect(second.issued).toEqual([]);
    expect(second.ca.certPem).toBe(first.ca.certPem);
    expect(second.serving.certPem).toBe(first.serving.certPem);
    expect(second.adminToken).toBe(first.adminToken);
  });

  it('reissues the serving certificate (same CA) for a new address or near its end', async () => {
    const dir = tempDir();
    const first = await ensurePki({ dataDir: dir, nowMs: NOW });
    const moved = await ensurePki({ dataDir: dir, extraSans: ['192.168.7.7'], nowMs: NOW });
    expect(moved.issued).toEqual([expect.stringContaining('does not name 192.168.7.7')]);
    expect(moved.ca.certPem).toBe(first.ca.certPem);
    expect(new X509Certificate(moved.serving.certPem).checkIP('192.168.7.7')).toBe('192.168.7.7');
    const later = await ensurePki({ dataDir: dir, extraSans: ['192.168.7.7'], nowMs: NOW + 340 * 86_400_000 });
    expect(later.issued).toEqual([expect.stringContaining('expires')]);
  });

  it('refuses a CA whose key does not match its certificate instead of replacing it', async () => {
    const dir = tempDir();
    await ensurePki({ dataDir: dir, nowMs: NOW });
    const other = await ensurePki({ dataDir: tempDir(), nowMs: NOW });
    writeFileSync(join(dir, 'pki', 'ca.key'), other.ca.keyPem);
    await expect(ensurePki({ dataDir: dir, nowMs: NOW })).rejects.toThrow(PkiError);
    await expect(ensurePki({ dataDir: dir, nowMs: NOW })).rejects.toThrow(/does not match/);
  });
});
