// cucumber-js configuration. TypeScript step definitions load through tsx (see the "features" script).
// Reports land in reports/: HTML for people, JUnit XML and NDJSON messages for tools.
export default {
  // Each worker process runs its scenarios one by one, each with its own rig on free ports: nothing is shared.
  parallel: Number(process.env.ATM_RIG_PARALLEL ?? 2),
  import: ['features/support/**/*.ts', 'features/steps/**/*.ts'],
  format: [
    'summary',
    // The progress bar needs a terminal; CI logs get the dot progress.
    process.stdout.isTTY ? 'progress-bar' : 'progress',
    'html:reports/cucumber.html',
    'junit:reports/cucumber.junit.xml',
    'message:reports/cucumber.ndjson',
  ],
  formatOptions: { snippetInterface: 'async-await' },
};
