import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest (processes, Node-RED, a browser, a lab of 100 ATMs) start first: started last, one of
 * them would run alone at the end while the other workers idle. A fresh clone has no timings cached to go by.
 */
const SLOW_FIRST = [
  'rig/roles/lab.test.ts',
  'flows/atm-demo.test.ts',
  'flows/dashboard.browser.test.ts',
  'rig/cli.test.ts',
  'devices/serial/recovery.test.ts',
  'rig/bank/money.test.ts',
  'devices/gsm/serial.test.ts',
  'devices/serial/emulators.property.test.ts',
  'rig/bank/hardening.test.ts',
];

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.findIndex((name) => f.moduleId.endsWith(name));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

const ALL = [
  'core/**/*.test.ts',
  'machines/**/*.test.ts',
  'features/**/*.test.ts',
  'devices/**/*.test.ts',
  'rig/**/*.test.ts',
  'docs/**/*.test.ts',
  'flows/**/*.test.ts',
  'bench/**/*.test.ts',
];

/**
 * Files that need a process of their own: Node-RED can be embedded once per process, and the timing test mocks
 * node:crypto (as does the start-up checks test), which only works on a module graph loaded after the mock.
 */
const OWN_PROCESS = ['flows/**/*.test.ts', 'rig/bank/timing.test.ts', 'rig/start-checks.test.ts'];

export default defineConfig({
  test: {
    // Most files wait on ports, timers and child processes rather than compute: three at a time on 2 cores.
    maxWorkers: 3,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    sequence: { sequencer: SlowFirst },
    projects: [
      {
        extends: true,
        // Loading fastify, aedes, xstate and zod again for every file cost a minute and a half of worker time: the
        // other files share a worker's loaded modules. Each file still starts its own rigs, brokers and banks.
        test: { name: 'shared', include: ALL, exclude: OWN_PROCESS, isolate: false },
      },
      { extends: true, test: { name: 'own-process', include: OWN_PROCESS, isolate: true } },
    ],
  },
});
