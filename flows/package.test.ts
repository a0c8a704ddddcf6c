// The atm-rig node package as the Node-RED flow library takes it: what `npm pack` puts in it, the scorecard's
// checks that can run offline, help for every node and action, and every example flow loaded in a real Node-RED
// (embedded as `npm run dashboard` does it, against a real rig) with no unknown node; the "drive a session" example
// is then driven by its own buttons to the menu.
import { execFile } from 'node:child_process';
import { startFlowRig, type FlowRig } from './testing.ts';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT } from '../devices/contract.ts';
import { DEVICE_KINDS } from '../devices/registry.ts';
import { AtmClient } from '../rig/atm-client.ts';
import { NODES_DIR, type RunningDashboard } from '../rig/dashboard.ts';
import { assertNodeRed, loadNodeRed, missingNodeRed } from '../rig/node-red-runtime.ts';
import { DEMO_CUSTOMERS, seedDemo } from '../rig/seed.ts';

type FlowNode = { id: string; type: string };
type Msg = { topic?: string; payload?: Record<string, unknown> };
const RED = loadNodeRed<{
  nodes: { getNode(id: string): { on(e: 'input', fn: (msg: Msg) => void): void } | null };
  events: { once(e: string, fn: () => void): void };
}>();
const pkg = JSON.parse(await readFile(join(NODES_DIR, 'package.json'), 'utf8'));
const html = await readFile(join(NODES_DIR, 'atm-rig.html'), 'utf8');
const EXAMPLES = (await readdir(join(NODES_DIR, 'examples'))).filter((f) => f.endsWith('.json')).sort();
const example = async (file: string) => JSON.parse(await readFile(join(NODES_DIR, 'examples', file), 'utf8')) as FlowNode[];

describe('the node package', () => {
  it('packs its nodes, README, LICENSE, examples and the flow picture, and nothing else', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json'], { cwd: NODES_DIR });
    const [packed] = JSON.parse(stdout) as { name: string; files: { path: string }[] }[];
    expect(packed!.name).toBe('@atm-rig/node-red-nodes');
    expect(packed!.files.map((f) => f.path).sort()).toEqual(
      [
        'LICENSE',
        'README.md',
        'package.json',
        'atm-rig.js',
        'atm-rig.html',
        'contract.js',
        'images/atm-demo-flow.png',
        ...EXAMPLES.map((f) => `examples/${f}`),
      ].sort(),
    );
    expect(EXAMPLES).toEqual(['atm-demo.json', 'drive-a-session-from-a-button.json', 'watch-a-session.json']);
  });

  it("passes the flow library scorecard's checks that run offline", async () => {
    expect(pkg.name).toMatch(/^@[a-z0-9-]+\/node-red-/); // a scoped name for a new module
    expect(pkg.keywords).toContain('node-red');
    expect(pkg.repository).toMatchObject({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//) });
    expect(pkg.bugs.url).toMatch(/^https:\/\//);
    expect(pkg.license).toBe('MIT');
    expect(pkg['node-red'].version).toMatch(/^>=\d+\.\d+\.\d+$/);
    for (const file of Object.values(pkg['node-red'].nodes) as string[]) expect(pkg.files).toContain(file);
    expect(Object.keys(pkg.dependencies)).toEqual(['mqtt']); // no node-red in dependencies
    const readme = await readFile(join(NODES_DIR, 'README.md'), 'utf8');
    for (const section of ['## Nodes', '## Install', '## Examples', 'images/atm-demo-flow.png']) expect(readme).toContain(section);
    expect(await readFile(join(NODES_DIR, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('has a palette category atm-rig, help for every node, and every action of every device in the help', () => {
    const types = [...html.matchAll(/RED\.nodes\.registerType\('([^']+)'/g)].map((m) => m[1]!);
    expect(types).toEqual(['atm-rig-broker', 'atm-rig-bank', 'atm device in', 'atm device out', 'atm session', 'atm phone', 'atm bank']);
    for (const t of types) expect(html).toContain(`data-help-name="${t}"`);
    expect([...html.matchAll(/category: '([^']+)'/g)].map((m) => m[1]).filter((c) => c !== 'config')).toEqual(Array(5).fill('atm-rig'));
    const help = html.slice(html.indexOf('data-help-name="atm device out"'));
    for (const d of DEVICE_KINDS)
      for (const channel of ['sim', 'cmd'] as const)
        for (const name of Object.keys(CONTRACT[d][channel]))
          expect(help, `${d} ${channel} ${name}`).toContain(`<dt>${d} <code>${name}</code> <span class="property-type">${channel}</span>`);
    expect(help).toContain('<dt>dispenser <code>rejects</code>');
  });
});

let dashboard: RunningDashboard;
let person: AtmClient;

let flowRig: FlowRig | undefined;
beforeAll(async () => {
  flowRig = await startFlowRig(join(NODES_DIR, 'examples', 'watch-a-session.json'), {
    seed: 3,
    prepare: (r) => seedDemo(r.bank.service, DEMO_CUSTOMERS, 0),
  });
  ({ dashboard, person } = flowRig);
}, 60_000);
afterAll(async () => {
  await flowRig?.close();
});

/** Deploy `flow` as the whole workspace, as the editor's Deploy does, and wait until its nodes run. */
async function deploy(flow: FlowNode[]): Promise<void> {
  const started = new Promise<void>((ok) => RED.events.once('flows:started', () => ok()));
  const res = await fetch(`${dashboard.editorUrl}flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(flow),
  });
  expect(res.status).toBe(204);
  await started;
}

describe('the examples in a real Node-RED', () => {
  it('are offered under Import > Examples > @atm-rig/node-red-nodes', async () => {
    const res = await fetch(`${dashboard.editorUrl}library/examples/flows/@atm-rig/node-red-nodes`);
    expect(res.status).toBe(200);
    const listed = (await res.json()) as { fn?: string }[];
    expect(listed.map((e) => e.fn).sort()).toEqual(EXAMPLES.map((f) => f.replace(/\.json$/, '')));
  });

  it.each(EXAMPLES)('%s: every node type is installed and every node runs', async (file) => {
    const flow = await example(file);
    const sets = (await (await fetch(`${dashboard.editorUrl}nodes`, { headers: { accept: 'application/json' } })).json()) as {
      types: string[];
    }[];
    const known = new Set(['tab', ...sets.flatMap((s) => s.types)]);
    expect(flow.filter((n) => !known.has(n.type)).map((n) => n.type)).toEqual([]);
    await deploy(flow);
    expect(flow.filter((n) => n.type !== 'tab' && !RED.nodes.getNode(n.id)).map((n) => `${n.type} ${n.id}`)).toEqual([]);
  });

  it('drive-a-session-from-a-button: its buttons take a seed001 session to the menu', async () => {
    await deploy(await example('drive-a-session-from-a-button.json'));
    const button = async (id: string) => expect((await fetch(`${dashboard.editorUrl}inject/${id}`, { method: 'POST' })).status).toBe(200);
    // What the example's own nodes have seen: the finger asked for, and the SMS, before their buttons use them.
    const states: Msg[] = [];
    const sms: Msg[] = [];
    RED.nodes.getNode('drive-remember')!.on('input', (m) => states.push(m));
    RED.nodes.getNode('drive-sms')!.on('input', (m) => sms.push(m));
    await person.untilState('idle');
    await button('drive-enter');
    const { requestedFinger } = await person.untilState('session.auth.fingerprint.waiting');
    await person.until(() => states.some((m) => m.payload?.requestedFinger === requestedFinger), 'the finger asked for, in the flow');
    await button('drive-place');
    await person.untilState('session.auth.pin.entering');
    await button('drive-pin');
    await person.untilState('session.auth.otp.entering');
    await person.until(() => sms.length > 0, 'the SMS, in the flow');
    await button('drive-otp');
    await person.untilState('session.menu');
    await button('drive-cancel');
    await person.untilState('idle');
  });
});

describe('Node-RED, optional', () => {
  const ROOT = join(import.meta.dirname, '..');
  const json = async (file: string) => JSON.parse(await readFile(join(ROOT, file), 'utf8'));

  it('is no dependency of atm-rig: a plain npm install leaves it out, and flows/runtime pins it exactly', async () => {
    const root = await json('package.json');
    const stack = /^(node-red|@node-red\/.*|@flowfuse\/.*)$/;
    expect(Object.keys({ ...root.dependencies, ...root.devDependencies }).filter((d) => stack.test(d))).toEqual([]);
    const lock = Object.keys((await json('package-lock.json')).packages);
    expect(lock.filter((p) => stack.test(p.replace(/^.*node_modules\//, '')))).toEqual([]);
    const runtime = await json('flows/runtime/package.json');
    expect(runtime.dependencies).toEqual({
      '@flowfuse/node-red-dashboard': expect.stringMatching(/^\d+\.\d+\.\d+$/),
      'node-red': expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
    expect((await json('flows/runtime/package-lock.json')).packages['node_modules/node-red'].version).toBe(
      runtime.dependencies['node-red'],
    );
    expect(root.scripts['dashboard:install']).toBe('bash scripts/dashboard-install.sh');
    // npm test installs it before its tests (scripts/test.sh, beside the type check and lint).
    expect(root.scripts.test).toBe('bash scripts/test.sh');
    expect(await readFile('scripts/test.sh', 'utf8')).toContain('scripts/dashboard-install.sh --if-needed');
  });

  it('is not loaded by the rig, the dashboard module or `up` until the dashboard starts', async () => {
    const script = `import { createRequire } from 'node:module';
      await import('./rig/rig.ts'); await import('./rig/dashboard.ts'); await import('./rig/commands/up.ts');
      console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('node-red'))));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT });
    expect(JSON.parse(stdout)).toEqual([]);
  });
});

describe('npm run dashboard without Node-RED', () => {
  it('says how to install it', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'atm-rig-no-node-red-'));
    try {
      expect(missingNodeRed(empty)).toEqual(['node-red', '@flowfuse/node-red-dashboard']);
      expect(() => assertNodeRed(empty)).toThrow(
        /the dashboard needs Node-RED, which a plain npm install leaves out \(node-red and @flowfuse\/node-red-dashboard not found in flows\/runtime\)\. Install it once with: npm run dashboard:install/,
      );
      expect(missingNodeRed()).toEqual([]); // this checkout has it: npm test installed it
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
