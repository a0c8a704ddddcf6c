// The demo flow (flows/nodes/examples/atm-demo.json) in a real Node-RED, embedded and started headless the way
// `atm-rig up --dashboard` does it, against a real rig. The widgets' own messages are sent from the widget nodes,
// where the dashboard puts a click; what the widgets receive is read at their inputs.
import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtmClient } from '../rig/atm-client.ts';
import { startFlowRig, type FlowRig } from './testing.ts';
import { DEMO_FLOW, NODES_DIR, type RunningDashboard } from '../rig/dashboard.ts';
import { loadNodeRed } from '../rig/node-red-runtime.ts';
import { DEMO_CUSTOMERS } from '../rig/seed.ts';

type Msg = { topic?: string; payload?: unknown; [k: string]: unknown };
type FlowNode = { id: string; type: string; send(msg: Msg): void; on(event: 'input', fn: (msg: Msg) => void): void };
// The same Node-RED singleton startDashboard embeds.
const RED = loadNodeRed<{ nodes: { getNode(id: string): FlowNode | null } }>();

let dashboard: RunningDashboard;
let person: AtmClient;
let dir: string;
const flowNodes = JSON.parse(await readFile(DEMO_FLOW, 'utf8')) as { id: string; type: string; z?: string }[];

/** Everything a widget node receives, from now on. */
function inputsOf(id: string): Msg[] {
  const seen: Msg[] = [];
  RED.nodes.getNode(id)!.on('input', (msg) => seen.push(msg));
  return seen;
}
/** The first value `get` gives (what the flow hands a widget is no bus message: AtmClient.until polls too). */
async function eventually<T>(get: () => T | undefined, what: string, ms = 8000): Promise<T> {
  let value: T | undefined;
  await person.until(() => (value = get()) !== undefined, what, ms);
  return value!;
}

let flowRig: FlowRig | undefined;
beforeAll(async () => {
  flowRig = await startFlowRig(DEMO_FLOW, { seed: 5 });
  ({ dir, dashboard, person } = flowRig);
}, 60_000);
afterAll(async () => {
  await flowRig?.close();
});

describe('the demo flow in a headless Node-RED', () => {
  it('starts every node of the flow, and serves the editor and the dashboard', async () => {
    const missing = flowNodes.filter((n) => n.type !== 'tab' && !RED.nodes.getNode(n.id)).map((n) => `${n.type} ${n.id}`);
    expect(missing).toEqual([]);
    expect((await fetch(dashboard.editorUrl)).status).toBe(200);
    const page = await fetch(dashboard.dashboardUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="app"/);
  });

  it('refuses a request naming a foreign host (DNS rebinding), to the editor, the dashboard and their sockets', async () => {
    const { request } = await import('node:http');
    const ask = (path: string, host: string, upgrade = false) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(path, dashboard.editorUrl);
        const req = request({
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          headers: {
            host,
            ...(upgrade
              ? {
                  connection: 'Upgrade',
                  upgrade: 'websocket',
                  'sec-websocket-version': '13',
                  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
                }
              : {}),
          },
        });
        req.on('response', (res) => (res.resume(), resolve(res.statusCode ?? 0)));
        req.on('upgrade', (res, socket) => (socket.destroy(), resolve(res.statusCode ?? 101)));
        req.on('error', reject);
        req.end();
      });
    expect(await ask('/', 'evil.example:1880')).toBe(403);
    expect(await ask('/flows', 'evil.example')).toBe(403);
    expect(await ask('/dashboard/socket.io/?EIO=4&transport=polling', 'evil.example')).toBe(403);
    expect(await ask('/comms', 'evil.example', true)).toBe(403);
    expect(await ask('/', `localhost:${new URL(dashboard.editorUrl).port}`)).toBe(200);
    expect(await ask('/', `127.0.0.1:${new URL(dashboard.editorUrl).port}`)).toBe(200);
  });

  it('has the atm-rig nodes installed in its user directory, and Dashboard 2.0 in its palette', async () => {
    const sets = (await (await fetch(`${dashboard.editorUrl}nodes`, { headers: { accept: 'application/json' } })).json()) as {
      module: string;
      types: string[];
      local?: boolean;
      user?: boolean;
    }[];
    const ours = sets.find((s) => s.module === '@atm-rig/node-red-nodes')!;
    expect(ours.types).toEqual(expect.arrayContaining(['atm device in', 'atm device out', 'atm session', 'atm phone', 'atm bank']));
    expect(ours.local).toBe(true); // found in <userDir>/node_modules, not loaded from elsewhere
    expect(sets.some((s) => s.module === '@flowfuse/node-red-dashboard' && s.types.includes('ui-template'))).toBe(true);
    expect(await realpath(join(dir, 'node-red', 'node_modules', '@atm-rig', 'node-red-nodes'))).toBe(NODES_DIR);
  });

  it('a key pressed on the drawn ATM reaches atm/atm-1/keypad/sim/press, and the LCD comes back to it', async () => {
    const panel = inputsOf('ui-atm');
    await person.untilState('idle');
    const mark = person.messages.length;
    RED.nodes.getNode('ui-atm')!.send({ device: 'keypad', action: 'press', payload: 'ENTER' });
    const pressed = await person.nextMessage('/keypad/sim/press', mark);
    expect(pressed.topic).toBe('atm/atm-1/keypad/sim/press');
    expect(pressed.payload).toEqual({ key: 'ENTER' });
    const { requestedFinger } = await person.untilState('session.auth.fingerprint.waiting');
    const lcd = await eventually(
      () => panel.find((m) => (m.payload as { lcd?: string[] }).lcd?.[0]?.startsWith('Place finger')),
      'the LCD on the drawn ATM',
    );
    const view = lcd.payload as { lcd: string[]; screen: string; asking: boolean; finger: string; hasCard: boolean };
    expect(view.lcd[0]).toBe(`Place finger ${requestedFinger}`);
    // In words, not chart paths; seed001 has no card.
    expect(view).toMatchObject({ screen: 'Asking for a finger', asking: true, hasCard: false });
    expect(view.finger).toMatch(new RegExp(`^the (right|left) .* \\(${requestedFinger}\\)$`));
    await person.press('CANCEL');
    await person.untilState('idle');
  });

  it('seeding from the bank panel fills the customer panel; choosing a customer shows their phone and ledger', async () => {
    const customerPanel = inputsOf('ui-customer');
    const phonePanel = inputsOf('ui-phone');
    const bankPanel = inputsOf('ui-bank');
    RED.nodes.getNode('ui-bank')!.send({ action: 'seed' });
    type Panel = { customers: { id: string }[]; selected: string; me?: { pin: string; phone: string } };
    const panel = await eventually(
      () => customerPanel.find((m) => (m.payload as Panel).customers.length === 3),
      'the demo customers in the customer panel',
    );
    expect((panel.payload as Panel).customers.map((c) => c.id)).toEqual(['C0001', 'C0002', 'C0003']);

    RED.nodes.getNode('ui-customer')!.send({ topic: 'select', payload: 'C0002' });
    const bwalya = DEMO_CUSTOMERS[1]!;
    const chosen = await eventually(() => customerPanel.find((m) => (m.payload as Panel).selected === 'C0002'), 'C0002 chosen');
    expect((chosen.payload as Panel).me).toMatchObject({ pin: bwalya.pin, phone: bwalya.kyc.phone });
    await eventually(() => phonePanel.find((m) => (m.payload as { number: string }).number === bwalya.kyc.phone), 'the phone of C0002');
    type Bank = { rows: { id: string; balance?: number }[]; me: string; ledger: unknown[] };
    const bank = await eventually(
      () =>
        bankPanel.find(
          (m) =>
            (m.payload as Bank).me === bwalya.kyc.name &&
            (m.payload as Bank).ledger.length > 0 &&
            (m.payload as Bank).rows.every((r) => r.balance !== undefined),
        ),
      'balances and the ledger of C0002',
    );
    expect((bank.payload as Bank).rows.find((r) => r.id === 'C0002')!.balance).toBe(bwalya.balance);
  });

  it("a finger from the customer panel is the chosen customer's; an SMS reaches the phone panel", async () => {
    const phonePanel = inputsOf('ui-phone');
    const alice = DEMO_CUSTOMERS[0]!;
    RED.nodes.getNode('ui-customer')!.send({ topic: 'select', payload: 'C0001' });
    await person.untilState('idle');
    await person.press('ENTER');
    const { requestedFinger } = await person.untilState('session.auth.fingerprint.waiting');
    const mark = person.messages.length;
    RED.nodes.getNode('ui-customer')!.send({ topic: 'finger', payload: requestedFinger });
    expect((await person.nextMessage('/fingerprint/sim/place', mark)).payload).toMatchObject({
      customerId: 'C0001',
      finger: requestedFinger,
    });
    await person.untilState('session.auth.pin.entering');
    await person.type(alice.pin);
    const sms = await person.untilSms(alice.kyc.phone);
    const shown = await eventually(
      () => phonePanel.find((m) => (m.payload as { messages: { text: string }[] }).messages.some((s) => s.text === sms.text)),
      'the OTP SMS on the phone panel',
    );
    expect((shown.payload as { number: string }).number).toBe(alice.kyc.phone);
    await person.press('CANCEL');
    await person.untilState('idle');
  });

  it("each presenter's scenario is its sim action on the ATM on screen, and a second press undoes a fault", async () => {
    const scenarios = RED.nodes.getNode('ui-scenarios')!;
    const views = inputsOf('ui-scenarios');
    const sent = async (topic: string, scenario: string) => {
      const mark = person.messages.length;
      scenarios.send({ topic: 'scenario', payload: scenario });
      return (await person.nextMessage(topic, mark)).payload;
    };
    expect(await sent('atm/atm-1/dispenser/sim/jam', 'jam')).toEqual({ on: true });
    await eventually(() => views.find((m) => (m.payload as { cash: { jammed: boolean } }).cash.jammed), 'the jam on the ATM');
    expect(await sent('atm/atm-1/dispenser/sim/jam', 'jam')).toEqual({ on: false });
    expect(await sent('atm/atm-1/gsm/sim/network', 'no-network')).toEqual({ registered: false });
    await eventually(() => views.find((m) => (m.payload as { gsm: { registered: boolean } }).gsm.registered === false), 'no network');
    expect(await sent('atm/atm-1/gsm/sim/network', 'no-network')).toEqual({ registered: true });
    expect(await sent('atm/atm-1/gsm/sim/fault', 'sms-late')).toEqual({ mode: 'delay', ms: 30_000 });
    await eventually(() => views.find((m) => (m.payload as { gsm: { fault: string } }).gsm.fault === 'delay'), 'the SMS delay');
    expect(await sent('atm/atm-1/gsm/sim/fault', 'sms-late')).toEqual({ mode: 'none' });

    // The finger scenarios act on the finger asked for.
    await person.untilState('idle');
    await person.press('ENTER');
    const { requestedFinger } = await person.untilState('session.auth.fingerprint.waiting');
    const asked = (finger: number) =>
      eventually(
        () => views.find((m) => (m.payload as { session: { requestedFinger?: number } }).session.requestedFinger === finger),
        'the finger asked for, on the ATM',
      );
    await asked(requestedFinger!);
    expect(await sent('atm/atm-1/fingerprint/sim/place', 'wax-copy')).toEqual({
      customerId: 'C0001',
      finger: requestedFinger,
      spoof: true,
    });
    await person.untilState('session.auth.pin.entering');
    await person.press('CANCEL');
    await person.untilState('idle');
    await person.press('ENTER');
    const again = (await person.untilState('session.auth.fingerprint.waiting')).requestedFinger!;
    views.length = 0;
    await asked(again);
    expect(await sent('atm/atm-1/fingerprint/sim/place', 'dirty-finger')).toEqual({ customerId: 'C0001', finger: again, quality: 40 });
    expect(await sent('atm/atm-1/fingerprint/sim/place', 'wrong-finger')).toEqual({ customerId: 'C0001', finger: (again % 10) + 1 });
    await person.press('CANCEL');
    await person.untilState('idle');
  });

  it('with the printer out of paper the receipt event stands in for the print; a new session clears the phone', async () => {
    const atm = RED.nodes.getNode('ui-atm')!;
    type View = { receipt: { lines: string[]; from: string; why?: string } | null };
    const views = inputsOf('ui-atm');
    const phonePanel = inputsOf('ui-phone');
    const alice = DEMO_CUSTOMERS[0]!;
    const paper = async (state: string) => {
      atm.send({ device: 'printer', action: 'paper', payload: { state } });
      await person.until(
        () => person.messages.some((m) => m.topic === 'atm/atm-1/printer/state' && (m.payload as { paper?: string }).paper === state),
        `paper ${state}`,
      );
    };
    await paper('out');
    const before = person.inbox.filter((m) => m.to === alice.kyc.phone).length;
    await person.throughFingerAndPin('C0001', alice.pin);
    const otp = /code is ([A-Z0-9]+)\./.exec((await person.untilSms(alice.kyc.phone, before + 1)).text)![1]!;
    await person.type(otp);
    await person.untilScreen('menu');
    await person.press('1');
    await person.untilScreen('enter-amount');
    await person.type('200');
    await person.untilScreen('result');
    const shown = await eventually(() => views.find((m) => (m.payload as View).receipt?.from === 'session'), 'the receipt from the event');
    expect((shown.payload as View).receipt!.why).toBe('printer paper-out');
    expect((shown.payload as View).receipt!.lines.join('\n')).toMatch(/200\.00/);
    await person.takeCash();
    views.length = 0;
    atm.send({ topic: 'take-receipt' });
    await eventually(() => views.find((m) => (m.payload as View).receipt === null), 'the receipt taken');
    await paper('ok');
    await person.press('CANCEL');
    await person.untilState('idle');

    // The OTP is on the phone until the next session starts.
    expect(phonePanel.at(-1)!.payload).toMatchObject({
      number: alice.kyc.phone,
      messages: [expect.objectContaining({ text: expect.stringContaining(otp) })],
    });
    phonePanel.length = 0;
    await person.press('ENTER');
    await eventually(() => phonePanel.find((m) => (m.payload as { messages: unknown[] }).messages.length === 0), 'the phone cleared');
    await person.press('CANCEL');
    await person.untilState('idle');
  });

  it('a refused action becomes an error notification, and nothing is sent', async () => {
    const notices = inputsOf('ui-notify');
    const mark = person.messages.length;
    RED.nodes.getNode('ui-atm')!.send({ device: 'keypad', action: 'press', payload: 'F1' });
    const notice = await eventually(() => notices[0], 'the notification');
    expect(String(notice.payload)).toMatch(/no key "F1"/);
    await new Promise((r) => setTimeout(r, 200));
    expect(person.messages.slice(mark).filter((m) => m.topic.endsWith('/keypad/sim/press'))).toEqual([]);
  });
});
