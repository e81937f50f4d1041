// Clock and Random live in @skiff/core (pure layers need them too); re-exported for services.
export * from '@skiff/core';
export * from './logger.js';
export * from './value-summary.js';
export * from './actor-registry.js';
export * from './inspection.js';
export * from './nats-service.js';
export * from './service-host.js';
export * from './shutdown-signals.js';
export * from './nats-service-host.js';
