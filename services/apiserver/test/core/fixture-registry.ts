// Kinds the core serves but @skiff/api's registry does not list yet (SelfSubjectReview): a minimal
// ResourceInfo so tests can reach the core's handling of them.

import type { ResourceInfo } from '@skiff/api';

export const selfsubjectreviews: ResourceInfo = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  listKind: 'SelfSubjectReviewList',
  resource: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  namespaced: false,
  shortNames: [],
  categories: [],
  verbs: ['create'],
  subresources: [],
  schema: {} as ResourceInfo['schema'],
  defaults: () => undefined,
  validate: () => [],
  prepareForCreate: () => undefined,
  prepareForUpdate: () => undefined,
  fieldSelectors: {},
  tableColumns: [],
  tableRow: () => [],
};
