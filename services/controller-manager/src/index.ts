export * from './controller-manager.js';
export * from './controller-runner.js';
export * from './executor.js';
export * from './start.js';
export * from './node-ipam.js';
