// The default admission chain, in Kubernetes' recommended order for these plugins. The security
// issue inserts NodeRestriction (after ServiceAccount), LimitRanger and ResourceQuota here.

import type { AdmissionPlugin } from './admission.js';
import { defaultStorageClass } from './default-storage-class.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { priority } from './priority.js';
import { serviceAccount } from './service-account.js';

export const DEFAULT_ADMISSION_PLUGINS: readonly AdmissionPlugin[] = [namespaceLifecycle, serviceAccount, priority, defaultTolerationSeconds, defaultStorageClass];
