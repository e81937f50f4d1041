// Who may do what: k8s.io/api/authorization/v1, authentication/v1 and rbac/v1 generated.proto.
// `kubectl auth can-i`, `auth whoami`, `create token` and `create role|rolebinding|...` send these.
import type { MessageTable } from '../schema.js';

export const authorizationV1 = {
  'authorization.SelfSubjectAccessReview': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['spec', 'msg:authorization.SelfSubjectAccessReviewSpec'],
    3: ['status', 'msg:authorization.SubjectAccessReviewStatus'],
  },
  'authorization.SelfSubjectAccessReviewSpec': {
    1: ['resourceAttributes', 'msg:authorization.ResourceAttributes'],
    2: ['nonResourceAttributes', 'msg:authorization.NonResourceAttributes'],
  },
  // SubjectAccessReview and LocalSubjectAccessReview share this layout.
  'authorization.SubjectAccessReview': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['spec', 'msg:authorization.SubjectAccessReviewSpec'],
    3: ['status', 'msg:authorization.SubjectAccessReviewStatus'],
  },
  'authorization.SubjectAccessReviewSpec': {
    1: ['resourceAttributes', 'msg:authorization.ResourceAttributes'],
    2: ['nonResourceAttributes', 'msg:authorization.NonResourceAttributes'],
    3: ['user', 'string'],
    4: ['groups', 'string', 'repeated'],
    5: ['extra', 'map:stringList'],
    6: ['uid', 'string'],
  },
  'authorization.ResourceAttributes': {
    1: ['namespace', 'string'],
    2: ['verb', 'string'],
    3: ['group', 'string'],
    4: ['version', 'string'],
    5: ['resource', 'string'],
    6: ['subresource', 'string'],
    7: ['name', 'string'],
  },
  'authorization.NonResourceAttributes': {
    1: ['path', 'string'],
    2: ['verb', 'string'],
  },
  'authorization.SubjectAccessReviewStatus': {
    1: ['allowed', 'bool', 'keepZero'],
    4: ['denied', 'bool'],
    2: ['reason', 'string'],
    3: ['evaluationError', 'string'],
  },
  'authorization.SelfSubjectRulesReview': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['spec', 'msg:authorization.SelfSubjectRulesReviewSpec'],
    3: ['status', 'msg:authorization.SubjectRulesReviewStatus'],
  },
  'authorization.SelfSubjectRulesReviewSpec': { 1: ['namespace', 'string'] },
  'authorization.SubjectRulesReviewStatus': {
    1: ['resourceRules', 'msg:authorization.ResourceRule', 'repeated'],
    2: ['nonResourceRules', 'msg:authorization.NonResourceRule', 'repeated'],
    3: ['incomplete', 'bool', 'keepZero'],
    4: ['evaluationError', 'string'],
  },
  'authorization.ResourceRule': {
    1: ['verbs', 'string', 'repeated'],
    2: ['apiGroups', 'string', 'repeated'],
    3: ['resources', 'string', 'repeated'],
    4: ['resourceNames', 'string', 'repeated'],
  },
  'authorization.NonResourceRule': {
    1: ['verbs', 'string', 'repeated'],
    2: ['nonResourceURLs', 'string', 'repeated'],
  },
} as const satisfies MessageTable;

export const authenticationV1 = {
  'authentication.TokenRequest': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['spec', 'msg:authentication.TokenRequestSpec'],
    3: ['status', 'msg:authentication.TokenRequestStatus'],
  },
  'authentication.TokenRequestSpec': {
    1: ['audiences', 'string', 'repeated'],
    4: ['expirationSeconds', 'int64', 'keepZero'],
    3: ['boundObjectRef', 'msg:authentication.BoundObjectReference'],
  },
  'authentication.BoundObjectReference': {
    1: ['kind', 'string'],
    2: ['apiVersion', 'string'],
    3: ['name', 'string'],
    4: ['uid', 'string'],
  },
  'authentication.TokenRequestStatus': {
    1: ['token', 'string', 'keepZero'],
    2: ['expirationTimestamp', 'time'],
  },
  'authentication.SelfSubjectReview': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['status', 'msg:authentication.SelfSubjectReviewStatus'],
  },
  'authentication.SelfSubjectReviewStatus': { 1: ['userInfo', 'msg:authentication.UserInfo'] },
  'authentication.UserInfo': {
    1: ['username', 'string'],
    2: ['uid', 'string'],
    3: ['groups', 'string', 'repeated'],
    4: ['extra', 'map:stringList'],
  },
  'authentication.TokenReview': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['spec', 'msg:authentication.TokenReviewSpec'],
    3: ['status', 'msg:authentication.TokenReviewStatus'],
  },
  'authentication.TokenReviewSpec': {
    1: ['token', 'string'],
    2: ['audiences', 'string', 'repeated'],
  },
  'authentication.TokenReviewStatus': {
    1: ['authenticated', 'bool'],
    2: ['user', 'msg:authentication.UserInfo'],
    4: ['audiences', 'string', 'repeated'],
    3: ['error', 'string'],
  },
} as const satisfies MessageTable;

export const rbacV1 = {
  'rbac.Role': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['rules', 'msg:rbac.PolicyRule', 'repeated'],
  },
  'rbac.ClusterRole': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['rules', 'msg:rbac.PolicyRule', 'repeated'],
    3: ['aggregationRule', 'msg:rbac.AggregationRule'],
  },
  'rbac.AggregationRule': { 1: ['clusterRoleSelectors', 'msg:meta.LabelSelector', 'repeated'] },
  // RoleBinding and ClusterRoleBinding share this layout.
  'rbac.RoleBinding': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['subjects', 'msg:rbac.Subject', 'repeated'],
    3: ['roleRef', 'msg:rbac.RoleRef'],
  },
  'rbac.PolicyRule': {
    1: ['verbs', 'string', 'repeated'],
    2: ['apiGroups', 'string', 'repeated'],
    3: ['resources', 'string', 'repeated'],
    4: ['resourceNames', 'string', 'repeated'],
    5: ['nonResourceURLs', 'string', 'repeated'],
  },
  'rbac.RoleRef': {
    1: ['apiGroup', 'string', 'keepZero'],
    2: ['kind', 'string', 'keepZero'],
    3: ['name', 'string', 'keepZero'],
  },
  'rbac.Subject': {
    1: ['kind', 'string', 'keepZero'],
    2: ['apiGroup', 'string'],
    3: ['name', 'string', 'keepZero'],
    4: ['namespace', 'string'],
  },
} as const satisfies MessageTable;
