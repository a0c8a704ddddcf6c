/** Where the Cucumber run writes the session-machine transitions it took, one file per worker process. */
export const COVERAGE_DIR = 'reports/coverage';
