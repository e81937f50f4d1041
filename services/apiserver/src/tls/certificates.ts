// X.509 for the API server: a self-signed cluster CA and a serving certificate it signs, built
// with node-forge (RSA 2048, SHA-256; forge signs RSA only); the keys come from Node's crypto. No files here: pki.ts decides what to keep and when to renew.
//
// Shapes follow kubeadm's defaults: the CA is `CN=skiff-ca` with keyCertSign, valid 10 years;
// the serving certificate is `CN=kube-apiserver` with serverAuth, valid 1 year, and the SANs
// kubeadm gives kube-apiserver (the `kubernetes.default.svc...` names) plus loopback and every
// configured address.

import { generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * An RSA 2048 key pair from Node's crypto on its thread pool: generating one takes long enough
 * (up to seconds on a loaded machine) that doing it on the event loop would stall everything
 * else in the process (NATS pings, Raft heartbeats of in-process store members).
 */
async function rsaKeyPair(): Promise<{ publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey }> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { publicKey: forge.pki.publicKeyFromPem(publicKey), privateKey: forge.pki.privateKeyFromPem(privateKey) };
}

export const CA_VALIDITY_DAYS = 3_650;
export const SERVING_VALIDITY_DAYS = 365;
/** A serving certificate this close to its end is replaced on start. */
export const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface KeyPairPem {
  readonly certPem: string;
  readonly keyPem: string;
}

/** The names every serving certificate carries (loopback, and kube-apiserver's in-cluster names). */
export const DEFAULT_SANS: readonly string[] = [
  '127.0.0.1',
  '::1',
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

/** Loopback and in-cluster names, then `extra` (bind addresses, --tls-san), without duplicates or wildcards binds. */
export function servingSans(extra: readonly string[]): string[] {
  const out = new Set(DEFAULT_SANS);
  for (const name of extra) {
    const n = name.trim();
    if (n === '' || n === '0.0.0.0' || n === '::') continue; // "every interface" is no name
    out.add(n);
  }
  return [...out];
}

export async function createCa(nowMs: number, commonName = 'skiff-ca'): Promise<KeyPairPem> {
  const keys = await rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  setValidity(cert, nowMs, CA_VALIDITY_DAYS);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

export async function createServingCert(ca: KeyPairPem, sans: readonly string[], nowMs: number, commonName = 'kube-apiserver'): Promise<KeyPairPem> {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const keys = await rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  setValidity(cert, nowMs, SERVING_VALIDITY_DAYS);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // RFC 5280 §4.2.1.6: type 2 is dNSName, type 7 iPAddress.
    { name: 'subjectAltName', altNames: sans.map((n) => (isIP(n) === 0 ? { type: 2, value: n } : { type: 7, ip: n })) },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** Why a kept serving certificate cannot serve any more, or undefined when it still can. */
export function servingCertProblem(serving: KeyPairPem, caCertPem: string, sans: readonly string[], nowMs: number): string | undefined {
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(serving.certPem);
    ca = new X509Certificate(caCertPem);
  } catch (err) {
    return `unreadable certificate: ${(err as Error).message}`;
  }
  if (!cert.verify(ca.publicKey)) return 'not signed by the cluster CA';
  if (Date.parse(cert.validTo) - nowMs < RENEW_BEFORE_DAYS * DAY_MS) return `expires ${cert.validTo}`;
  if (Date.parse(cert.validFrom) > nowMs) return `not valid before ${cert.validFrom}`;
  const missing = sans.filter((n) => (isIP(n) === 0 ? cert.checkHost(n) !== n : cert.checkIP(n) === undefined));
  if (missing.length > 0) return `does not name ${missing.join(', ')}`;
  return undefined;
}

/** Why a kept CA cannot sign any more, or undefined. */
export function caProblem(ca: KeyPairPem, nowMs: number): string | undefined {
  try {
    const cert = new X509Certificate(ca.certPem);
    if (!cert.ca) return 'not a CA certificate';
    if (Date.parse(cert.validTo) <= nowMs + SERVING_VALIDITY_DAYS * DAY_MS) return `expires ${cert.validTo}`;
    // The key must belong to the certificate: sign with one, verify with the other.
    const key = forge.pki.privateKeyFromPem(ca.keyPem);
    const pub = forge.pki.certificateFromPem(ca.certPem).publicKey as forge.pki.rsa.PublicKey;
    if (key.n.compareTo(pub.n) !== 0) return 'the key does not match the certificate';
  } catch (err) {
    return `unreadable: ${(err as Error).message}`;
  }
  return undefined;
}

function setValidity(cert: forge.pki.Certificate, nowMs: number, days: number): void {
  // A minute of slack for clocks a little behind ours.
  cert.validity.notBefore = new Date(nowMs - 60_000);
  cert.validity.notAfter = new Date(nowMs + days * DAY_MS);
}

/** RFC 5280 §4.1.2.2: positive, at most 20 octets; random so that reissued certificates differ. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}
