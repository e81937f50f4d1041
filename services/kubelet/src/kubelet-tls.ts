// Adapter: the kubelet's serving certificate when none is given (the kubelet's --cert-dir
// behaviour: a self-signed certificate for its hostname and node IP, kept as
// <root-dir>/pki/kubelet.crt and kubelet.key, reused while it is valid and names the node IP).
// One self-signed certificate that is its own CA (as client-go's GenerateSelfSignedCertKey made
// it), so a client trusts the kubelet by that one file (`curl --cacert kubelet.crt`).
// RSA 2048 / SHA-256 with node-forge (it signs RSA only); the key comes from Node's crypto on its
// thread pool, so a loaded machine's slow key generation does not stall the event loop.
import { generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface ServingCert {
  readonly certPem: string;
  readonly keyPem: string;
}

const VALIDITY_MS = 365 * 86_400_000;
const RENEW_BEFORE_MS = 30 * 86_400_000;

function usable(cert: ServingCert, nodeIP: string, nowMs: number): boolean {
  try {
    const x = new X509Certificate(cert.certPem);
    return x.checkIP(nodeIP) !== undefined && Date.parse(x.validTo) - RENEW_BEFORE_MS > nowMs && Date.parse(x.validFrom) <= nowMs;
  } catch {
    return false;
  }
}

async function selfSigned(hostname: string, sans: readonly string[], nowMs: number): Promise<ServingCert> {
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // RFC 5280 §4.1.2.2: positive
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(nowMs - 60_000);
  cert.validity.notAfter = new Date(nowMs + VALIDITY_MS);
  const subject = [{ name: 'commonName', value: `${hostname}@${Math.floor(nowMs / 1000)}` }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // RFC 5280 §4.2.1.6: type 2 is dNSName, type 7 iPAddress.
    { name: 'subjectAltName', altNames: sans.map((n) => (isIP(n) === 0 ? { type: 2, value: n } : { type: 7, ip: n })) },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKey };
}

/** The kept certificate, or a new one written (0600 key, via rename) when it cannot serve. */
export async function ensureServingCert(dir: string, hostname: string, nodeIP: string, nowMs: number): Promise<ServingCert> {
  const certPath = join(dir, 'kubelet.crt');
  const keyPath = join(dir, 'kubelet.key');
  try {
    const kept = { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
    if (usable(kept, nodeIP, nowMs)) return kept;
  } catch {
    // none yet
  }
  const sans = [...new Set([hostname, 'localhost', nodeIP, '127.0.0.1'])];
  const made = await selfSigned(hostname, sans, nowMs);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [path, text, mode] of [[keyPath, made.keyPem, 0o600], [certPath, made.certPem, 0o644]] as const) {
    writeFileSync(`${path}.tmp`, text, { mode });
    chmodSync(`${path}.tmp`, mode);
    renameSync(`${path}.tmp`, path);
  }
  return made;
}
