// Service account tokens (serviceaccounts/token, TokenRequest) and their review (TokenReview).
// A token is a JWT (RFC 7519) signed with HMAC-SHA256 under the core's injected key, carrying the
// claims Kubernetes' bound tokens carry (iss, sub system:serviceaccount:<ns>:<name>, aud, exp,
// iat, nbf, kubernetes.io {namespace, serviceaccount {name, uid}}). Kubernetes signs with RSA or
// ECDSA keys; a shared-secret HMAC is enough while only the apiserver verifies tokens.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KubeObject, ResourceInfo } from '@skiff/api';
import type { CoreContext } from '../context.js';
import { fail } from '../errors.js';
import { getPath, recordAt, rfc3339 } from '../meta.js';
import { invalid } from '../status.js';
import type { ApiRequest } from '../types.js';

const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

export interface TokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly nbf: number;
  readonly 'kubernetes.io': { readonly namespace: string; readonly serviceaccount: { readonly name: string; readonly uid: string } };
}

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export function signToken(claims: TokenClaims, key: Uint8Array): string {
  const head = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
}

export type TokenCheck = { readonly ok: true; readonly claims: TokenClaims } | { readonly ok: false; readonly error: string };

/** Verifies signature, time window and (when given) one of the audiences. */
export function verifyToken(token: string, key: Uint8Array, nowSeconds: number, audiences: readonly string[] = []): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, error: 'token is not a JWT' };
  const [h, p, sig] = parts as [string, string, string];
  const want = createHmac('sha256', key).update(`${h}.${p}`).digest();
  const got = Buffer.from(sig, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, error: 'invalid bearer token, signature is invalid' };
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as TokenClaims;
  } catch {
    return { ok: false, error: 'invalid bearer token, payload is not JSON' };
  }
  if (typeof claims.exp !== 'number' || nowSeconds >= claims.exp) return { ok: false, error: 'invalid bearer token, Token has expired.' };
  if (typeof claims.nbf === 'number' && nowSeconds < claims.nbf) return { ok: false, error: 'invalid bearer token, Token is not valid yet.' };
  if (audiences.length > 0 && !claims.aud.some((a) => audiences.includes(a))) return { ok: false, error: 'invalid bearer token, token audiences is invalid for the current issuer' };
  return { ok: true, claims };
}

/** POST serviceaccounts/<name>/token: 201 with status.token and status.expirationTimestamp. */
export async function createToken(ctx: CoreContext, serviceAccounts: ResourceInfo, req: ApiRequest, saName: string): Promise<KubeObject> {
  const sa = await ctx.objects.mustGet(serviceAccounts, req.namespace, saName);
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as KubeObject;
  const spec = recordAt(body, 'spec');
  const expirationSeconds = typeof spec['expirationSeconds'] === 'number' ? spec['expirationSeconds'] : DEFAULT_EXPIRATION_SECONDS;
  if (expirationSeconds < MIN_EXPIRATION_SECONDS || expirationSeconds > MAX_EXPIRATION_SECONDS) {
    const message = expirationSeconds < MIN_EXPIRATION_SECONDS ? 'Invalid value: ' + expirationSeconds + ': may not specify a duration less than 10 minutes' : 'Invalid value: ' + expirationSeconds + ': may not specify a duration larger than 2^32 seconds';
    fail(invalid('TokenRequest', 'authentication.k8s.io', saName, [{ type: 'Invalid', field: 'spec.expirationSeconds', value: expirationSeconds, message }]));
  }
  const audiences = Array.isArray(spec['audiences']) && spec['audiences'].length > 0 ? (spec['audiences'] as string[]) : [ctx.tunables.tokenIssuer];
  const nowSeconds = Math.floor(ctx.clock.now() / 1000);
  const exp = nowSeconds + expirationSeconds;
  const namespace = sa.metadata.namespace as string;
  const token = signToken(
    {
      iss: ctx.tunables.tokenIssuer,
      sub: `system:serviceaccount:${namespace}:${saName}`,
      aud: audiences,
      exp,
      iat: nowSeconds,
      nbf: nowSeconds,
      'kubernetes.io': { namespace, serviceaccount: { name: saName, uid: sa.metadata.uid as string } },
    },
    ctx.tunables.tokenSigningKey,
  );
  return {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { name: saName, namespace, creationTimestamp: rfc3339(ctx.clock.now()) },
    spec: { ...spec, audiences, expirationSeconds, boundObjectRef: getPath(spec, ['boundObjectRef']) ?? null },
    status: { token, expirationTimestamp: rfc3339(exp * 1000) },
  } as KubeObject;
}
