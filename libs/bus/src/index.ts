export * from './bus.js';
export * from './errors.js';
