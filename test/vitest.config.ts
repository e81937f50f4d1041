// Vitest for the system tests (@skiff/system-tests). Benchmarks are programs, not tests; the store
// simulation runs hundreds of seeds in one test, so tests get a generous time bound (each seed's
// own bounds are in simulated time and steps, see sim/store-sim.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'bench/**', '**/.scratch/**'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
