// @skiff/client: the typed Kubernetes API client over NATS that Skiff's components use (DESIGN.md
// §5): requests, informers (reflector machine, indexed store, listers, shared factory), the
// controller workqueue and worker loop, leader election on a Lease, and the event recorder.

export * from './api-protocol.js';
export * from './api-errors.js';
export * from './api-client.js';
export * from './backoff.js';
export * from './retry.js';
export * from './resources.js';
export * from './types.js';
export * from './watch-stream.js';
export * from './list-pager.js';
export * from './reflector.js';
export * from './reflector.machine.js';
export * from './indexer.js';
export * from './lister.js';
export * from './store-deltas.js';
export * from './informer.js';
export * from './shared-informer-factory.js';
export * from './rate-limiter.js';
export * from './workqueue.js';
export * from './controller-loop.machine.js';
export * from './controller.js';
export * from './leader-election.js';
export * from './lease-lock.js';
export * from './leader-election.machine.js';
export * from './leader-elector.js';
export * from './event.js';
export * from './event-recorder.js';
export * from './kubelet-exec-protocol.js';
export * from './kubelet-attach-protocol.js';
export * from './kubelet-portforward-protocol.js';
