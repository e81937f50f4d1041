import { storeClientSuite } from './client-suite.js';
import { memoryHarness } from './harness.js';

// Two seeds: delivery order and jitter differ, the outcomes must not.
for (const seed of [1, 42]) storeClientSuite(`MemoryBus (seed ${seed})`, async () => memoryHarness(seed));
