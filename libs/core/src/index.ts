// @skiff/core: the ports every layer may use: a Clock and seeded Random, injected wherever time
// or chance enters, so tests and simulations replay exactly.
export * from './clock.js';
export * from './random.js';
