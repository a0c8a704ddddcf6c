import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'core/**/*.test.ts',
      'machines/**/*.test.ts',
      'features/**/*.test.ts',
      'devices/**/*.test.ts',
      'rig/**/*.test.ts',
      'docs/**/*.test.ts',
      'flows/**/*.test.ts',
    ],
    // Most files wait on ports, timers and child processes rather than compute: three at a time on 2 cores.
    maxWorkers: 3,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
