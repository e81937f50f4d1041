export * from './nats.js';
export * from './linearizability/index.js';
