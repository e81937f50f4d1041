// @skiff/kubelet-service: the kubelet as a process or an in-process component of `skiff up`:
// node registration and heartbeats, pod workers over a container runtime, logs over NATS, static
// pods with mirror pods.
export * from './node-object.js';
export * from './node-registration.js';
export * from './pod-manager.js';
export * from './logs-endpoint.js';
export * from './static-pod-source.js';
export * from './kubelet.js';
export * from './borrowed-bus.js';
export * from './kubelet-objects.js';
export * from './hollow-nodes.js';
export * from './kubelet-api.js';
export * from './kubelet-server.js';
export * from './kubelet-endpoints.js';
export * from './manifest-url-source.js';
export * from './api-pod-source.js';
export * from './static-pod-set.js';
