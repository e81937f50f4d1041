// @skiff/kube-proxy: the proxy service (informers -> Proxier) and its process wiring.
export * from './node-addresses.js';
export * from './proxy.js';
export * from './start.js';
