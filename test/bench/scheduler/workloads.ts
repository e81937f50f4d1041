// The scheduler benchmark's workloads, shaped like kube-scheduler's scheduler_perf cases
// (test/integration/scheduler_perf/config/performance-config.yaml and its pod templates), as plain
// API objects so the same definitions feed the run through the API and the in-process algorithm run.
//
// Where they differ from scheduler_perf (said in the results too):
// - basic: 10,000 measured pods (the size) after 1,000 init pods, where SchedulingBasic/5000Nodes
//   measures 1,000;
// - node affinity: 5,000 init pods then 10,000 measured, as SchedulingNodeAffinity/5000Nodes_10000Pods;
// - anti-affinity: 5,000 nodes, 1,000 init pods in sched-0 and 2,000 measured in sched-1, every pod
//   labelled color=green and refusing any node that holds a green pod in either namespace
//   (SchedulingPodAntiAffinity/5000Nodes_2000Pods, threshold 60). The issue says 1,000 nodes; with
//   one pod per node that would fit only 1,000 pods, so we keep scheduler_perf's sizes;
// - preemption: PreemptionBasic/500Nodes: 2,000 low-priority 900m pods fill 500 4-CPU nodes, then 500
//   priority-10 pods of 3 CPUs each preempt three of them.
// Nodes are node-default.yaml's: 4 CPUs, 32Gi, 110 pods.

export interface Obj {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

export interface Workload {
  readonly name: string;
  /** The scheduler_perf case this mirrors. */
  readonly mirrors: string;
  readonly nodes: number;
  readonly initPods: number;
  readonly measuredPods: number;
  /** kube-scheduler's scheduler_perf threshold, pods/s, and what it is. */
  readonly thresholdPodsPerSec: number;
  readonly threshold: string;
  readonly namespaces: readonly string[];
  readonly priorityClasses: readonly { readonly name: string; readonly value: number }[];
  readonly node: (i: number) => Obj;
  readonly initPod: (i: number) => Obj;
  readonly pod: (i: number) => Obj;
  /** Every measured pod needs a preemption first. */
  readonly preempts: boolean;
}

export const HOSTNAME = 'kubernetes.io/hostname';
export const ZONE = 'topology.kubernetes.io/zone';

export function nodeObject(i: number, labels: Record<string, string> = {}): Obj {
  const name = `node-${i}`;
  const allocatable = { cpu: '4', memory: '32Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { [HOSTNAME]: name, ...labels } },
    spec: {},
    status: { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

interface PodShape {
  readonly namespace?: string;
  readonly cpu?: string;
  readonly labels?: Record<string, string>;
  readonly spec?: Record<string, unknown>;
}

export function podObject(name: string, shape: PodShape = {}): Obj {
  const requests = { cpu: shape.cpu ?? '100m', memory: '500Mi' };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: shape.namespace ?? 'default', ...(shape.labels === undefined ? {} : { labels: shape.labels }) },
    spec: {
      containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { requests, limits: requests } }],
      ...shape.spec,
    },
  };
}

/** pod-with-pod-anti-affinity.yaml: green pods, at most one per hostname across both namespaces. */
function antiAffinityPod(name: string, namespace: string): Obj {
  return podObject(name, {
    namespace,
    labels: { color: 'green' },
    spec: {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: HOSTNAME, namespaces: ['sched-0', 'sched-1'] }],
        },
      },
    },
  });
}

/** pod-with-node-affinity.yaml: required zone In [zone1, zone2]. */
function nodeAffinityPod(name: string): Obj {
  return podObject(name, {
    spec: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['zone1', 'zone2'] }] }] },
        },
      },
    },
  });
}

export function workloads(scale: (n: number) => number): Workload[] {
  return [
    {
      name: 'basic',
      mirrors: 'SchedulingBasic/5000Nodes (1000 init pods; 10000 measured here, 1000 there)',
      nodes: scale(5000),
      initPods: scale(1000),
      measuredPods: scale(10_000),
      thresholdPodsPerSec: 680,
      threshold: '680-810 (SchedulingBasic, 5000 nodes)',
      namespaces: [],
      priorityClasses: [],
      node: (i) => nodeObject(i),
      initPod: (i) => podObject(`init-${i}`),
      pod: (i) => podObject(`basic-${i}`),
      preempts: false,
    },
    {
      name: 'pod-anti-affinity',
      mirrors: 'SchedulingPodAntiAffinity/5000Nodes_2000Pods',
      nodes: scale(5000),
      initPods: scale(1000),
      measuredPods: scale(2000),
      thresholdPodsPerSec: 60,
      threshold: '60 (SchedulingPodAntiAffinity)',
      namespaces: ['sched-0', 'sched-1'],
      priorityClasses: [],
      node: (i) => nodeObject(i),
      initPod: (i) => antiAffinityPod(`init-${i}`, 'sched-0'),
      pod: (i) => antiAffinityPod(`anti-${i}`, 'sched-1'),
      preempts: false,
    },
    {
      name: 'node-affinity',
      mirrors: 'SchedulingNodeAffinity/5000Nodes_10000Pods',
      nodes: scale(5000),
      initPods: scale(5000),
      measuredPods: scale(10_000),
      thresholdPodsPerSec: 220,
      threshold: '220 (SchedulingNodeAffinity)',
      namespaces: [],
      priorityClasses: [],
      // labelNodePrepareStrategy: every node in zone1.
      node: (i) => nodeObject(i, { [ZONE]: 'zone1' }),
      initPod: (i) => nodeAffinityPod(`init-${i}`),
      pod: (i) => nodeAffinityPod(`affine-${i}`),
      preempts: false,
    },
    {
      name: 'preemption',
      mirrors: 'PreemptionBasic/500Nodes',
      nodes: scale(500),
      initPods: scale(2000),
      measuredPods: scale(500),
      thresholdPodsPerSec: 570,
      threshold: '570 (PreemptionBasic)',
      namespaces: [],
      priorityClasses: [{ name: 'bench-high', value: 10 }],
      node: (i) => nodeObject(i),
      // pod-low-priority.yaml: 900m, deleted at once when preempted.
      initPod: (i) => podObject(`low-${i}`, { cpu: '900m', spec: { terminationGracePeriodSeconds: 0 } }),
      // pod-high-priority.yaml: priority 10 (through a PriorityClass: admission computes it), 3 CPUs.
      pod: (i) => podObject(`high-${i}`, { cpu: '3', spec: { priorityClassName: 'bench-high' } }),
      preempts: true,
    },
  ];
}
