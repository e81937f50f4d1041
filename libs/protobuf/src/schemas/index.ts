import type { MessageTable } from '../schema.js';
import { authenticationV1, authorizationV1, rbacV1 } from './access.schema.js';
import { coreV1 } from './core-v1.schema.js';
import { metaV1 } from './meta-v1.schema.js';
import { networkingV1 } from './networking-v1.schema.js';
import { policyV1, schedulingV1 } from './policy.schema.js';
import { appsV1, autoscalingV1, batchV1 } from './workloads.schema.js';

/** Every message descriptor, keyed by "<group>.<Message>". */
export const messageTable: MessageTable = {
  ...metaV1,
  ...coreV1,
  ...appsV1,
  ...batchV1,
  ...autoscalingV1,
  ...authorizationV1,
  ...authenticationV1,
  ...rbacV1,
  ...schedulingV1,
  ...policyV1,
  ...networkingV1,
};
