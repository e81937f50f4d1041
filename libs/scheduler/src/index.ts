// @skiff/scheduler: kube-scheduler's framework as pure TypeScript. scheduleOne() runs one cycle
// for one pod against a Snapshot with a profile's plugins and returns data (a node, a preemption
// nomination with victims, or the FailedScheduling diagnosis). SchedulerCache and SchedulingQueue
// keep cluster state and pending pods on an injected Clock; podSchedulingMachine is the per-pod
// chart. No I/O anywhere: the scheduler service wires these to the API.
export * from './types.js';
export * from './resources.js';
export * from './pod-info.js';
export * from './node-info.js';
export * from './snapshot.js';
export * from './helpers/node-selector.js';
export * from './helpers/taints.js';
export * from './helpers/affinity-term.js';
export * from './framework/status.js';
export * from './framework/cycle-state.js';
export * from './framework/interfaces.js';
export * from './framework/diagnosis.js';
export * from './framework/normalize.js';
export * from './framework/registry.js';
export * from './framework/profile.js';
export * from './framework/framework.js';
export * from './plugins/names.js';
export * from './plugins/registry.js';
export * from './plugins/node-unschedulable/node-unschedulable.js';
export * from './plugins/node-name/node-name.js';
export * from './plugins/node-ports/node-ports.js';
export * from './plugins/node-resources/fit.js';
export * from './plugins/node-resources/balanced-allocation.js';
export * from './plugins/node-resources/resource-allocation.js';
export * from './plugins/node-affinity/node-affinity.js';
export * from './plugins/taint-toleration/taint-toleration.js';
export * from './plugins/inter-pod-affinity/inter-pod-affinity.js';
export * from './plugins/pod-topology-spread/pod-topology-spread.js';
export * from './plugins/image-locality/image-locality.js';
export * from './plugins/default-preemption/default-preemption.js';
export * from './plugins/default-preemption/pick-node.js';
export * from './plugins/default-preemption/select-victims.js';
export * from './plugins/default-preemption/pdb.js';
export * from './schedule-one.js';
export * from './cache/scheduler-cache.js';
export * from './queue/heap.js';
export * from './queue/scheduling-queue.js';
export * from './machines/pod-scheduling.js';
export * from './machines/pod-scheduling.machine.js';
