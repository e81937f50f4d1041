// Authentication, for now: every request acts as the cluster admin, as kubeadm's admin.conf does.
// A bearer token must be the admin token written into the kubeconfig; any other token is refused
// with 401 (so that the security work can add token files, client certificates and service
// account tokens here without changing the callers). A request without credentials is the admin
// too: over plain HTTP kubectl never sends credentials (client-go attaches them only over TLS),
// and until RBAC exists an anonymous user would have to be an admin anyway.

import { timingSafeEqual } from 'node:crypto';

export interface UserInfo {
  readonly username: string;
  readonly groups: string[];
  readonly uid?: string;
}

export const ADMIN_USER: UserInfo = { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };

export type AuthResult = { readonly ok: true; readonly user: UserInfo } | { readonly ok: false; readonly reason: string };

export interface Authenticator {
  authenticate(authorization: string | undefined): AuthResult;
}

export function adminTokenAuthenticator(adminToken: string | undefined): Authenticator {
  const expected = adminToken === undefined ? undefined : Buffer.from(adminToken, 'utf8');
  return {
    authenticate(authorization) {
      const token = bearerToken(authorization);
      if (token === undefined) return { ok: true, user: ADMIN_USER };
      if (expected !== undefined && constantTimeEquals(Buffer.from(token, 'utf8'), expected)) return { ok: true, user: ADMIN_USER };
      return { ok: false, reason: 'invalid bearer token' };
    },
  };
}

/** RFC 6750 §2.1: `Bearer <token>`, the scheme case-insensitive. Other schemes are not ours to judge. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

function constantTimeEquals(a: Buffer, b: Buffer): boolean {
  // timingSafeEqual needs equal lengths; comparing against itself keeps the time independent of a.
  if (a.length !== b.length) {
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}
