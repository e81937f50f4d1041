// @skiff/proxy: kube-proxy's role. Pure rules (desired listeners from Services + Endpoints or
// EndpointSlices + node addresses, their diff, the endpoint picker), the listener machine, and the
// node:net adapters (TcpForwarder, Proxier). See README.md.
export * from './listener.js';
export * from './desired-listeners.js';
export * from './diff-listeners.js';
export * from './endpoint-picker.js';
export * from './listener-policy.js';
export * from './listener.machine.js';
export * from './listener-socket.js';
export * from './proxy-metrics.js';
export * from './tcp-forwarder.js';
export * from './udp-forwarder.js';
export * from './dns-message.js';
export * from './dns-records.js';
export * from './dns-responder.js';
export * from './proxier.js';
