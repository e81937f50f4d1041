#!/usr/bin/env node
// `npx skiff`: registers tsx (Skiff runs TypeScript without a build step), then runs main.ts.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
