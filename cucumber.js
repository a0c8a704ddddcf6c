// cucumber-js configuration and its profiles (`cucumber-js -p <name>`; docs/steps.md, "Profiles").
// TypeScript step definitions load through tsx (see the "features" script).
// Reports land in reports/: HTML for people, JUnit XML and NDJSON messages for tools.
const common = {
  import: ['features/support/**/*.ts', 'features/steps/**/*.ts'],
  formatOptions: { snippetInterface: 'async-await' },
};
const reports = ['html:reports/cucumber.html', 'junit:reports/cucumber.junit.xml', 'message:reports/cucumber.ndjson'];
// Each worker process runs its scenarios one by one, each with its own rig on free ports: nothing is shared.
const parallel = Number(process.env.ATM_RIG_PARALLEL ?? 2);

/** Every scenario on the embedded broker, with the reports. The progress bar needs a terminal. */
export default {
  ...common,
  parallel,
  format: ['summary', process.stdout.isTTY ? 'progress-bar' : 'progress', ...reports],
};

/** As the default, for CI logs: dot progress, and a scenario left pending or undefined fails the run. */
export const ci = { ...common, parallel, strict: true, format: ['summary', 'progress', ...reports] };

/** The @serial scenarios with every device that has a serial driver on a pty pair, against its emulator. */
export const serial = { ...common, parallel, tags: '@serial', worldParameters: { serial: true }, format: ['summary'] };

/**
 * The @broker scenarios on another broker: ATM_RIG_BROKER=mqtt://host:port for a running broker that knows the
 * rig's bus users (scenarios then share its topics and run one at a time), otherwise a throwaway Mosquitto per
 * scenario, provisioned with the rig's password file and ACL (features/support/broker.ts).
 */
const external = process.env.ATM_RIG_BROKER?.includes('://');
export const broker = {
  ...common,
  parallel: external ? 1 : parallel,
  tags: '@broker',
  worldParameters: { broker: process.env.ATM_RIG_BROKER || 'mosquitto' },
  format: ['summary'],
};

/**
 * The @xfs4iot scenarios against the reference XFS4IoT application (docs/xfs4iot.md, "The features against it"):
 * the rig's controller stands aside, the application runs each ATM over the XFS4IoT face, and the steps read its
 * screens off the LCD. Only the steps marked XFS4IOT run here; any other is refused.
 */
export const xfs4iot = {
  ...common,
  parallel,
  tags: '@xfs4iot',
  worldParameters: { xfs4iot: true },
  format: ['summary', 'html:reports/cucumber-xfs4iot.html'],
};

/** A handful of @smoke scenarios across the profiles: a minute's check that the rig works at all. */
export const smoke = { ...common, parallel, tags: '@smoke', format: ['summary', 'progress'] };
