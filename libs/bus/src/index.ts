export * from './bus.js';
export * from './errors.js';
export * from './nats-server.js';
export * from './subjects.js';
export * from './codec.js';
export * from './memory-bus.js';
export * from './memory-network.js';
export * from './nats-bus.js';
