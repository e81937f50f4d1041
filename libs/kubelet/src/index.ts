// @skiff/kubelet: the kubelet's logic and machines. Pure functions (pod actions, status, probes,
// eviction, env) and XState machines (pod worker, probe worker, node agent, eviction manager);
// all I/O goes through the CRI-shaped ContainerRuntime port (cri.ts) and injected callbacks.
export * from './cri.js';
export * from './labels.js';
export * from './container-hash.js';
export * from './backoff.js';
export * from './runtime-status.js';
export * from './pod-actions.js';
export * from './pod-phase.js';
export * from './pod-conditions.js';
export * from './pod-status.js';
export * from './time.js';
export * from './probe.js';
export * from './probe-worker.machine.js';
export * from './env-expansion.js';
export * from './service-env.js';
export * from './downward-api.js';
export * from './container-env.js';
export * from './volumes.js';
export * from './container-config.js';
export * from './pod-sync.js';
export * from './pod-worker.js';
export * from './pod-worker.machine.js';
export * from './kubelet-runtime.js';
