// The create-only review kinds, answered without storing anything:
// - SelfSubjectAccessReview, SubjectAccessReview, LocalSubjectAccessReview: allowed, for now every
//   request is admin until the security issue brings RBAC (kubectl auth can-i says "yes");
// - SelfSubjectRulesReview: every verb on everything;
// - TokenReview: validates our service account tokens (token.ts);
// - SelfSubjectReview: the caller's user info (kubectl auth whoami).

import type { KubeObject } from '@skiff/api';
import type { CoreContext } from '../context.js';
import { recordAt } from '../meta.js';
import type { ApiRequest } from '../types.js';
import { verifyToken } from './token.js';

const ALLOW_REASON = 'skiff: every request is allowed until RBAC is enabled';

/** group/resource -> answer, for the kinds handled here. */
export const REVIEWS: Readonly<Record<string, (ctx: CoreContext, req: ApiRequest) => KubeObject>> = {
  'authorization.k8s.io/selfsubjectaccessreviews': accessReview,
  'authorization.k8s.io/subjectaccessreviews': accessReview,
  'authorization.k8s.io/localsubjectaccessreviews': accessReview,
  'authorization.k8s.io/selfsubjectrulesreviews': rulesReview,
  'authentication.k8s.io/tokenreviews': tokenReview,
  'authentication.k8s.io/selfsubjectreviews': selfSubjectReview,
};

function echo(req: ApiRequest, kind: string): KubeObject {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as KubeObject;
  return { apiVersion: `${req.group}/${req.version}`, kind, metadata: { ...recordAt(body, 'metadata') }, spec: recordAt(body, 'spec') } as KubeObject;
}

function kindOf(req: ApiRequest): string {
  const names: Record<string, string> = {
    selfsubjectaccessreviews: 'SelfSubjectAccessReview',
    subjectaccessreviews: 'SubjectAccessReview',
    localsubjectaccessreviews: 'LocalSubjectAccessReview',
    selfsubjectrulesreviews: 'SelfSubjectRulesReview',
    tokenreviews: 'TokenReview',
    selfsubjectreviews: 'SelfSubjectReview',
  };
  return names[req.resource] ?? req.resource;
}

function accessReview(_ctx: CoreContext, req: ApiRequest): KubeObject {
  return { ...echo(req, kindOf(req)), status: { allowed: true, reason: ALLOW_REASON } } as KubeObject;
}

function rulesReview(_ctx: CoreContext, req: ApiRequest): KubeObject {
  return {
    ...echo(req, kindOf(req)),
    status: {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    },
  } as KubeObject;
}

function tokenReview(ctx: CoreContext, req: ApiRequest): KubeObject {
  const out = echo(req, 'TokenReview');
  const spec = recordAt(out, 'spec');
  const token = typeof spec['token'] === 'string' ? spec['token'] : '';
  const audiences = Array.isArray(spec['audiences']) ? (spec['audiences'] as string[]) : [];
  const check = verifyToken(token, ctx.tunables.tokenSigningKey, Math.floor(ctx.clock.now() / 1000), audiences);
  if (!check.ok) return { ...out, status: { authenticated: false, user: {}, error: check.error } } as KubeObject;
  const k = check.claims['kubernetes.io'];
  return {
    ...out,
    status: {
      authenticated: true,
      user: {
        username: check.claims.sub,
        uid: k.serviceaccount.uid,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${k.namespace}`, 'system:authenticated'],
        extra: {},
      },
      audiences: audiences.length > 0 ? audiences.filter((a) => check.claims.aud.includes(a)) : check.claims.aud,
    },
  } as KubeObject;
}

function selfSubjectReview(_ctx: CoreContext, req: ApiRequest): KubeObject {
  const u = req.user;
  return {
    ...echo(req, 'SelfSubjectReview'),
    status: { userInfo: { username: u.username, ...(u.uid === undefined ? {} : { uid: u.uid }), groups: [...u.groups], ...(u.extra === undefined ? {} : { extra: u.extra }) } },
  } as KubeObject;
}
