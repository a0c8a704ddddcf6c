// Removes the transition coverage of earlier runs, so a report only ever counts the run that just happened.
import { rmSync } from 'node:fs';
import { COVERAGE_DIR } from './coverage-dir.ts';

rmSync(COVERAGE_DIR, { recursive: true, force: true });
