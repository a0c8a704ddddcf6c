/**
 * Files made from the device registry, so no copy of it drifts: the Node-RED nodes' contract (flows/nodes, plain
 * CommonJS that Node-RED loads without TypeScript), the editor's device list and action help, and the device
 * summary in docs/devices.md.
 * `npm run generate` writes them; devices/generate.test.ts fails when a committed copy is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { KEY_PATTERN } from '../core/keys.ts';
import { MSISDN_PATTERN } from '../core/schemas.ts';
import type { DeviceModule } from './module.ts';
import { DEVICES } from './registry.ts';
import { TOPIC_LEVEL, topics } from './topics.ts';

const modules = DEVICES as readonly DeviceModule[];
const root = fileURLToPath(new URL('../', import.meta.url));
export const NODE_RED_CONTRACT = 'flows/nodes/contract.js';
export const DEVICES_DOC = 'docs/devices.md';
const BEGIN = '<!-- generated from devices/registry.ts by npm run generate: do not edit by hand -->';
const END = '<!-- end of generated -->';

/** JavaScript twins of devices/topics.ts's builders, for the CommonJS Node-RED nodes. */
const NODE_RED_TOPICS = [
  '    device: (atm, device, channel, name) => `atm/${atm}/${device}/${channel}/${name}`,',
  '    deviceState: (atm, device) => `atm/${atm}/${device}/state`,',
  '    sessionState: (atm) => `atm/${atm}/session/state`,',
  '    sessionEvent: (atm, name) => `atm/${atm}/session/evt/${name}`,',
  "    phoneInbox: (msisdn) => `phone/${msisdn.replace(/^\\+/, '')}/inbox`,",
  `    phones: ${JSON.stringify(topics.phones)},`,
].join('\n');

export function nodeRedContract(): string {
  const names = (channel: 'cmd' | 'sim') =>
    modules.map((d) => `    ${JSON.stringify(d.kind)}: ${JSON.stringify(Object.keys(d.contract[channel]))},`).join('\n');
  return `// Generated from devices/registry.ts by \`npm run generate\`: do not edit by hand.
// The topic contract's names, for validating what a flow asks for.
module.exports = {
  devices: ${JSON.stringify(modules.map((d) => d.kind))},
  cmd: {
${names('cmd')}
  },
  sim: {
${names('sim')}
  },
  // The topic builders of devices/topics.ts in plain JavaScript (devices/generate.test.ts checks they build the
  // same topics): the nodes build no topic by hand.
  topics: {
${NODE_RED_TOPICS}
  },
  keys: ${KEY_PATTERN},
  msisdn: ${MSISDN_PATTERN},
  level: ${TOPIC_LEVEL},
};
`;
}

export function deviceSummary(): string {
  const list = (o: Record<string, unknown>) =>
    Object.keys(o)
      .map((n) => `\`${n}\``)
      .join(', ') || '-';
  const rows = modules.map(
    (d) =>
      `| \`${d.kind}\` | ${d.title} | ${list(d.contract.cmd)} | ${list(d.contract.evt)} | ${list(d.contract.sim)} | ${d.serial ? 'yes' : '-'} | ${d.emulator ? `\`${d.emulator.name}\`` : '-'} | \`devices/${d.kind}/\` |`,
  );
  return [
    BEGIN,
    '',
    '| kind | device | commands | events | sim actions | serial driver | emulator | module |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    END,
  ].join('\n');
}

export const TOPICS_DOC = 'docs/topics.md';

/** Each device's section of docs/topics.md, from its module's reference; every name of its contract must have
 *  a row, and every row a name of its contract, or this throws (the docs would be wrong). */
export function topicsReference(): string {
  const sections = modules.map((d) => {
    for (const channel of ['cmd', 'evt', 'sim'] as const) {
      const names = Object.keys(d.contract[channel]);
      const rows = d.reference.rows.filter((r) => r[0] === channel).map((r) => r[1]);
      const missing = names.filter((n) => !rows.includes(n));
      const extra = rows.filter((n) => !names.includes(n));
      if (missing.length || extra.length) {
        throw new Error(
          `devices/${d.kind}/reference.ts: ${channel} ${missing.length ? `lacks ${missing.join(', ')}` : ''}${extra.length ? ` names ${extra.join(', ')}, not in the contract` : ''}`,
        );
      }
    }
    const rows = d.reference.rows.map(([channel, name, payload]) =>
      `| ${channel} | ${name ? `\`${name}\`` : ''} | ${payload} |`.replace('|  |', '| |'),
    );
    return [
      `### ${d.reference.heading}`,
      '| | name | payload |',
      '|---|---|---|',
      ...rows,
      ...(d.reference.notes ? ['', d.reference.notes] : []),
    ].join('\n');
  });
  return [BEGIN, ...sections.flatMap((s) => [s, ''])].join('\n') + END;
}

/** `doc` with its generated block replaced by `block`. */
export function withBlock(doc: string, block: string): string {
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`no generated block (${BEGIN} … ${END})`);
  return doc.slice(0, from) + block + doc.slice(to + END.length);
}

export const NODE_RED_EDITOR = 'flows/nodes/atm-rig.html';
export const CLI_NAMES = 'rig/commands/device-names.ts';

/** The names the CLI's help shows, without loading the registry (which loads serialport). */
export function cliNames(): string {
  return `// Generated from devices/registry.ts by \`npm run generate\`: do not edit by hand.
// The CLI's help lists these without loading the registry, which would load serialport.
export const DEVICE_KIND_NAMES = ${JSON.stringify(modules.map((d) => d.kind))
    .replaceAll('"', "'")
    .replaceAll(',', ', ')};
export const EMULATOR_NAMES = ${JSON.stringify([...new Set(modules.flatMap((d) => (d.emulator ? [d.emulator.name] : [])))])
    .replaceAll('"', "'")
    .replaceAll(',', ', ')};
`;
}

/** Markdown of a reference row (backticks, bold) as the help's HTML. */
const helpHtml = (md: string) =>
  md
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\\|', '|')
    .replace(/`([^`]*)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]*)\*\*/g, '<b>$1</b>');

/** The `atm device out` help's list of every action a flow can send (sim and cmd), with its payload. */
export function nodeRedActionsHelp(): string {
  const rows = modules.flatMap((d) =>
    (['sim', 'cmd'] as const).flatMap((channel) =>
      d.reference.rows
        .filter(([c]) => c === channel)
        .map(
          ([, name, payload]) =>
            `    <dt>${d.kind} <code>${name}</code> <span class="property-type">${channel}</span></dt><dd>${helpHtml(payload)}</dd>`,
        ),
    ),
  );
  return [BEGIN, '  <dl class="message-properties">', ...rows, '  </dl>', `  ${END}`].join('\n');
}

/** The editor's copy: its device list and the help's list of actions (the editor runs in the browser, where the
 *  CommonJS contract cannot be required). */
export function nodeRedEditor(html: string): string {
  const devices = `    const DEVICES = ${JSON.stringify(modules.map((d) => d.kind))
    .replaceAll('","', "', '")
    .replace('["', "['")
    .replace('"]', "']")};`;
  const out = withBlock(html.replace(/^ {4}const DEVICES = \[.*\];$/m, devices), nodeRedActionsHelp());
  if (!out.includes(devices)) throw new Error(`${NODE_RED_EDITOR}: no "const DEVICES = [...]" line to generate`);
  return out;
}

export async function generatedFiles(): Promise<Record<string, string>> {
  return {
    [NODE_RED_CONTRACT]: nodeRedContract(),
    [CLI_NAMES]: cliNames(),
    [NODE_RED_EDITOR]: nodeRedEditor(await readFile(root + NODE_RED_EDITOR, 'utf8')),
    [DEVICES_DOC]: withBlock(await readFile(root + DEVICES_DOC, 'utf8'), deviceSummary()),
    [TOPICS_DOC]: withBlock(await readFile(root + TOPICS_DOC, 'utf8'), topicsReference()),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, text] of Object.entries(await generatedFiles())) {
    await writeFile(root + file, text);
    console.log(`wrote ${file}`);
  }
}
