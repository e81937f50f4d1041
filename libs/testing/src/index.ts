export * from './nats.js';
