// Adapter: the API server's key material in `<dataDir>/pki/`, made on first start and reused after.
//
//   ca.crt, ca.key               the cluster CA (kept for its 10 years: kubeconfigs embed it)
//   apiserver.crt, apiserver.key the serving certificate, reissued when it no longer fits
//                                (another CA, near its end, a configured address it does not name)
//   admin.token                  the bearer token of the admin user written into kubeconfigs
//
// Keys and the token are mode 0600 in a 0700 directory, written to a temporary file and renamed so
// that a crash never leaves half a key behind.

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caProblem, createCa, createServingCert, servingCertProblem, servingSans, type KeyPairPem } from './certificates.js';

export const PKI_DIR = 'pki';
export const FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  servingCert: 'apiserver.crt',
  servingKey: 'apiserver.key',
  adminToken: 'admin.token',
} as const;

export interface Pki {
  readonly dir: string;
  readonly ca: KeyPairPem;
  readonly serving: KeyPairPem;
  readonly adminToken: string;
  /** What this start made anew, with the reason (for the log). */
  readonly issued: readonly string[];
}

export interface EnsurePkiOptions {
  readonly dataDir: string;
  /** Addresses and names the serving certificate must carry besides loopback. */
  readonly extraSans?: readonly string[];
  readonly nowMs: number;
}

export class PkiError extends Error {
  override readonly name = 'PkiError';
}

export async function ensurePki(opts: EnsurePkiOptions): Promise<Pki> {
  const dir = join(opts.dataDir, PKI_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const issued: string[] = [];
  const path = (name: string): string => join(dir, name);

  let ca = readPair(path(FILES.caCert), path(FILES.caKey));
  const caWhy = ca === undefined ? 'none yet' : caProblem(ca, opts.nowMs);
  if (ca !== undefined && caWhy !== undefined) {
    // Replacing a CA silently would break every kubeconfig and kubelet that trusts it.
    throw new PkiError(`the cluster CA in ${dir} cannot be used (${caWhy}); move it away to create a new one`);
  }
  if (ca === undefined) {
    ca = await createCa(opts.nowMs);
    writePair(path(FILES.caCert), path(FILES.caKey), ca);
    issued.push('CA (none yet)');
  }

  const sans = servingSans(opts.extraSans ?? []);
  let serving = readPair(path(FILES.servingCert), path(FILES.servingKey));
  const servingWhy = serving === undefined ? 'none yet' : servingCertProblem(serving, ca.certPem, sans, opts.nowMs);
  if (serving === undefined || servingWhy !== undefined) {
    serving = await createServingCert(ca, sans, opts.nowMs);
    writePair(path(FILES.servingCert), path(FILES.servingKey), serving);
    issued.push(`serving certificate (${servingWhy ?? 'none yet'})`);
  }

  let adminToken = readText(path(FILES.adminToken))?.trim();
  if (adminToken === undefined || !/^[A-Za-z0-9_-]{32,}$/.test(adminToken)) {
    adminToken = randomBytes(32).toString('base64url');
    writeSecret(path(FILES.adminToken), `${adminToken}\n`);
    issued.push('admin token');
  }
  return { dir, ca, serving, adminToken, issued };
}

function readPair(certPath: string, keyPath: string): KeyPairPem | undefined {
  const certPem = readText(certPath);
  const keyPem = readText(keyPath);
  if (certPem === undefined || keyPem === undefined) return undefined;
  return { certPem, keyPem };
}

function readText(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new PkiError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

function writePair(certPath: string, keyPath: string, pair: KeyPairPem): void {
  writeSecret(keyPath, pair.keyPem);
  writeAtomic(certPath, pair.certPem, 0o644);
}

function writeSecret(file: string, text: string): void {
  writeAtomic(file, text, 0o600);
}

/** Writes `text` beside `file` and renames it in place: readers see the old or the new file, whole. */
export function writeAtomic(file: string, text: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text, { mode });
    chmodSync(tmp, mode); // the umask may have narrowed or the file may have existed
    renameSync(tmp, file);
  } catch (err) {
    throw new PkiError(`cannot write ${file}: ${(err as Error).message}`);
  }
}
