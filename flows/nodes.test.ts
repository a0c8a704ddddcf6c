// Node-RED treats any property value equal to a node id as a reference to it: ids here are unlike any value.
// The atm-rig Node-RED nodes in a real Node-RED runtime (node-red-node-test-helper) against a real rig: the
// embedded broker with its ACL, the bank with its staff login.
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT } from '../devices/contract.ts';
import { DEVICE_KINDS } from '../devices/registry.ts';
import { KEY_PATTERN } from '../core/keys.ts';
import { AtmClient } from '../rig/atm-client.ts';
import { connectBus } from '../core/bus.ts';
import { nodeRedPath } from '../rig/node-red-runtime.ts';
import { startRig, type Rig } from '../rig/rig.ts';

const require = createRequire(import.meta.url);
type Helper = {
  init(path: string): void;
  startServer(done: () => void): void;
  stopServer(done: () => void): void;
  load(nodes: unknown, flow: object[], credentials: object, done: () => void): void;
  unload(): Promise<void>;
  getNode(id: string): { on(event: string, fn: (arg: unknown) => void): void; receive(msg: object): void; status?: unknown };
};
const helper = require('node-red-node-test-helper') as Helper;
const atmNodes = require('./nodes/atm-rig.js');
const nodeContract = require('./nodes/contract.js') as {
  devices: string[];
  cmd: Record<string, string[]>;
  sim: Record<string, string[]>;
  keys: RegExp;
};
helper.init(nodeRedPath());

let rig: Rig;
let person: AtmClient;

beforeAll(async () => {
  rig = await startRig({
    seed: 8,
    broker: { port: 0, wsPort: null, hashIterations: 10 },
    bank: { port: 0, file: ':memory:', hashLogN: 10 },
    atms: [{ id: 'atm-1' }, { id: 'atm-2', profile: 'seed002' }],
  });
  person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
  await new Promise<void>((r) => helper.startServer(r));
});
afterEach(() => helper.unload());
afterAll(async () => {
  await new Promise<void>((r) => helper.stopServer(r));
  await person.close();
  await rig.close();
});

function flow(...nodes: object[]) {
  return [
    { id: 'cfg-broker', type: 'atm-rig-broker', url: rig.brokerUrl, atm: 'atm-1' },
    { id: 'cfg-bank', type: 'atm-rig-bank', url: rig.bank.url },
    { id: 'n-sink', type: 'helper' },
    ...nodes,
  ];
}
const credentials = () => ({ 'cfg-broker': rig.bus.simulator, 'cfg-bank': rig.bank.staff });
const load = (nodes: object[]) => new Promise<void>((r) => helper.load(atmNodes, flow(...nodes), credentials(), r));

describe('atm-rig Node-RED nodes', () => {
  it('their copy of the topic contract matches devices/contract.ts', () => {
    expect(nodeContract.devices).toEqual([...DEVICE_KINDS]);
    for (const d of DEVICE_KINDS) {
      expect([...nodeContract.cmd[d]!].sort()).toEqual(Object.keys(CONTRACT[d].cmd).sort());
      expect([...nodeContract.sim[d]!].sort()).toEqual(Object.keys(CONTRACT[d].sim).sort());
    }
    expect(nodeContract.keys.source).toBe(KEY_PATTERN.source);
  });

  it('atm device out presses a key on atm/atm-1/keypad/sim/press; atm device in and atm session report what follows', async () => {
    await load([
      { id: 'n-keys', type: 'atm device out', broker: 'cfg-broker', device: 'keypad', channel: 'sim', action: 'press' },
      { id: 'n-lcd', type: 'atm device in', broker: 'cfg-broker', device: 'lcd', what: 'state', wires: [['n-sink']] },
      { id: 'n-session', type: 'atm session', broker: 'cfg-broker', wires: [['n-sink']] },
    ]);
    const seen: { topic: string; payload: Record<string, unknown> }[] = [];
    helper.getNode('n-sink').on('input', (msg) => seen.push(msg as never));
    await person.untilState('idle');
    await new Promise((r) => setTimeout(r, 300)); // the nodes' subscriptions are in place
    const mark = person.messages.length;
    helper.getNode('n-keys').receive({ payload: 'ENTER' });
    const pressed = await person.nextMessage('/keypad/sim/press', mark);
    expect(pressed.payload).toEqual({ key: 'ENTER' });
    await person.untilState('session.auth.fingerprint.waiting');
    await person.until(
      () =>
        seen.some(
          (m) =>
            m.topic === 'state' && Array.isArray(m.payload.lines) && String((m.payload.lines as string[])[0]).startsWith('Place finger'),
        ),
      'the LCD state in the flow',
    );
    await person.until(() => seen.some((m) => m.topic === 'started'), 'the session event in the flow');
    await person.press('CANCEL');
    await person.untilState('ending');
  });

  it('with ATM id "+", atm session and atm device in report every ATM, msg.atm saying which', async () => {
    await load([
      { id: 'n-session', type: 'atm session', broker: 'cfg-broker', atm: '+', wires: [['n-sink']] },
      { id: 'n-lcd', type: 'atm device in', broker: 'cfg-broker', atm: '+', device: 'lcd', what: 'state', wires: [['n-sink']] },
    ]);
    const seen: { topic: string; atm: string; device?: string; payload: Record<string, unknown> }[] = [];
    helper.getNode('n-sink').on('input', (msg) => seen.push(msg as never));
    // Retained states: each ATM's session and LCD arrive at once.
    await person.until(
      () => ['atm-1', 'atm-2'].every((a) => seen.some((m) => m.atm === a && m.topic === 'state' && m.device === 'lcd')),
      'both LCDs',
    );
    const profiles = Object.fromEntries(seen.filter((m) => m.topic === 'state' && !m.device).map((m) => [m.atm, m.payload.profile]));
    expect(profiles).toEqual({ 'atm-1': 'seed001', 'atm-2': 'seed002' });
  });

  it('atm device out refuses an unknown action or key before sending anything', async () => {
    await load([{ id: 'n-keys', type: 'atm device out', broker: 'cfg-broker', device: 'keypad', channel: 'sim', action: 'press' }]);
    const errors: string[] = [];
    helper.getNode('n-keys').on('call:error', (call) => errors.push(String((call as { args: unknown[] }).args[0])));
    const mark = person.messages.length;
    helper.getNode('n-keys').receive({ payload: 'F1' });
    helper.getNode('n-keys').receive({ action: 'smash', payload: {} });
    await new Promise((r) => setTimeout(r, 300));
    expect(errors.join('\n')).toMatch(/no key "F1"/);
    expect(errors.join('\n')).toMatch(/keypad has no sim "smash"/);
    expect(person.messages.slice(mark).filter((m) => m.topic.endsWith('/keypad/sim/press'))).toEqual([]);
  });

  it('atm phone emits the SMS of its phone only, and refuses a number that is not international', async () => {
    await load([
      { id: 'n-phone', type: 'atm phone', broker: 'cfg-broker', phone: '+260971000001', wires: [['n-sink']] },
      { id: 'n-badphone', type: 'atm phone', broker: 'cfg-broker', phone: '0971000001' },
    ]);
    const seen: { topic: string; phone: string; payload: { text: string } }[] = [];
    helper.getNode('n-sink').on('input', (msg) => seen.push(msg as never));
    const badStatus = (helper.getNode('n-badphone') as unknown as { status: { lastCall: { args: { text: string }[] } } }).status;
    expect(badStatus.lastCall.args[0]!.text).toBe('bad phone number');
    // The GSM network delivers (as the modem's own bus user may): one SMS to another phone, then one to ours.
    const network = await connectBus(rig.brokerUrl, 'test:gsm', rig.bus.internal.get('atm-1.gsm')!);
    await new Promise((r) => setTimeout(r, 300)); // the node's subscription is in place
    await network.publishAsync('phone/260971000002/inbox', JSON.stringify({ from: '+260970000000', text: 'not yours', ts: 1 }), { qos: 1 });
    await network.publishAsync('phone/260971000001/inbox', JSON.stringify({ from: '+260970000000', text: 'yours', ts: 2 }), { qos: 1 });
    await person.until(() => seen.length > 0, 'the SMS');
    await new Promise((r) => setTimeout(r, 100));
    await network.endAsync();
    expect(seen.map((m) => [m.phone, m.payload.text])).toEqual([['+260971000001', 'yours']]);
  });

  it('atm bank seeds the demo customers (staff login) and reads a balance', async () => {
    await load([{ id: 'n-bank', type: 'atm bank', bank: 'cfg-bank', wires: [['n-sink']] }]);
    const answers: { topic: string; payload: Record<string, unknown> }[] = [];
    helper.getNode('n-sink').on('input', (msg) => answers.push(msg as never));
    helper.getNode('n-bank').receive({ action: 'seed' });
    await person.until(() => answers.length === 1, 'the seed answer');
    const customers = answers[0]!.payload.customers as { id: string; account: string }[];
    const alice = customers.find((c) => c.id === 'C0001')!;
    helper.getNode('n-bank').receive({ action: 'balance', account: alice.account });
    await person.until(() => answers.length === 2, 'the balance answer');
    expect(answers[1]!.payload).toMatchObject({ customerId: 'C0001', balance: 500_000 });
  });
});
