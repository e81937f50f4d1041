// What every cluster starts with (Kubernetes' bootstrap controllers in the apiserver), created if
// absent, so that several apiserver replicas starting at once converge on one copy of each:
// - namespaces default, kube-system, kube-public, kube-node-lease, each with its `default`
//   ServiceAccount (Kubernetes' serviceaccounts controller makes these; see create.ts);
// - the system priority classes system-node-critical and system-cluster-critical;
// - the `kubernetes` Service in default: the first address of the service range, port 443;
// - the default StorageClass `standard` (as kind clusters ship one), served by the
//   controller-manager's local-path provisioner.

import type { KubeObject } from '@skiff/api';
import type { CoreContext } from './context.js';
import { createObject, ensureDefaultServiceAccount, SYSTEM_MANAGER } from './create.js';
import { isApiError } from './errors.js';
import { SYSTEM_PRIORITY_CLASSES } from './admission/priority.js';
import { SYSTEM_USER } from './namespace-deletion.js';
import { firstServiceIp } from './service-ips.js';
import { defaultStorageClassObject } from './default-storage-class-object.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export interface BootstrapOptions {
  /** The port the apiserver listens on (the `kubernetes` Service's targetPort). */
  readonly apiserverPort: number;
}

export function bootstrapObjects(ctx: CoreContext, opts: BootstrapOptions): KubeObject[] {
  const namespaces = SYSTEM_NAMESPACES.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) as KubeObject);
  const classes = Object.entries(SYSTEM_PRIORITY_CLASSES).map(
    ([name, value]) =>
      ({
        apiVersion: 'scheduling.k8s.io/v1',
        kind: 'PriorityClass',
        metadata: { name },
        value,
        globalDefault: false,
        description: 'Used for system critical pods that must not be moved from their current node.',
        preemptionPolicy: 'PreemptLowerPriority',
      }) as KubeObject,
  );
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: firstServiceIp(ctx.tunables.serviceClusterIpRange),
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: opts.apiserverPort }],
      sessionAffinity: 'None',
    },
  } as KubeObject;
  return [...namespaces, ...classes, service, defaultStorageClassObject()];
}

/** Creates each bootstrap object unless it exists; never fails on AlreadyExists (another replica won). */
export async function bootstrap(ctx: CoreContext, opts: BootstrapOptions): Promise<void> {
  for (const obj of bootstrapObjects(ctx, opts)) {
    const [group, version] = (obj.apiVersion as string).includes('/') ? (obj.apiVersion as string).split('/') : ['', obj.apiVersion as string];
    const info = ctx.registry.all.find((r) => r.group === group && r.version === version && r.kind === obj.kind);
    if (info === undefined) {
      ctx.logger.warn({ kind: obj.kind }, 'bootstrap: kind not in the registry, skipped');
      continue;
    }
    if ((await ctx.objects.get(info, obj.metadata.namespace, obj.metadata.name as string)) !== undefined) continue;
    try {
      await createObject(ctx, info, obj, { user: SYSTEM_USER, dryRun: false, manager: SYSTEM_MANAGER });
    } catch (err) {
      // Another replica won the race (AlreadyExists, or the `kubernetes` ClusterIP already taken).
      if (!isApiError(err) || (await ctx.objects.get(info, obj.metadata.namespace, obj.metadata.name as string)) === undefined) throw err;
    }
  }
  // A namespace created by a replica that stopped before its ServiceAccount: finish the job.
  for (const ns of SYSTEM_NAMESPACES) await ensureDefaultServiceAccount(ctx, ns, SYSTEM_USER);
}
