// @skiff/controllers: the controllers of kube-controller-manager as pure sync functions.
// `sync(key, listers, context) -> { actions, requeueAfterMs }`: no I/O, no clock, no randomness of
// its own (now and a Random come in); the controller-manager service runs the actions through its
// client (contract in actions.ts) and keeps the expectations (expectations.ts).
export * from './actions.js';
export * from './lister.js';
export * from './expectations.js';
export * from './util/active-pods.js';
export * from './util/controller-ref.js';
export * from './util/int-or-percent.js';
export * from './util/pod.js';
export * from './util/pod-template.js';
export * from './util/time.js';
export * from './replica-set/replica-set.sync.js';
export * from './replica-set/replica-set.status.js';
export * from './deployment/deployment.sync.js';
export * from './deployment/deployment-util.js';
export { DeploymentReasons } from './deployment/deployment-status.js';
export * from './daemon-set/daemon-set.sync.js';
export * from './daemon-set/daemon-set-util.js';
export * from './util/taints.js';
export * from './util/node-affinity.js';
export * from './node-lifecycle/node-lifecycle.js';
export * from './node-lifecycle/node-health.js';
export * from './node-lifecycle/node-taints.js';
export * from './node-lifecycle/zone-limiter.js';
export * from './node-lifecycle/taint-eviction.js';
export * from './endpoints/endpoints.sync.js';
export * from './endpoints/endpoint-slice.sync.js';
export * from './endpoints/pod-endpoints.js';
export * from './garbage-collector/garbage-collector.js';
export * from './namespace/namespace.sync.js';
export * from './hpa/horizontal.sync.js';
export * from './hpa/behavior.js';
export * from './hpa/replica-calculator.js';
export * from './hpa/pod-metrics.js';
export * from './job/job.sync.js';
export * from './job/ttl-after-finished.sync.js';
export * from './cronjob/cronjob.sync.js';
export * from './stateful-set/stateful-set.sync.js';
export * from './stateful-set/stateful-set-util.js';
export { revisionTemplate, statefulSetPatch } from './stateful-set/stateful-set-history.js';
export * from './persistent-volume/persistent-volume.sync.js';
export * from './persistent-volume/volume-match.js';
