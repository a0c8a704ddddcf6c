// The reference application end to end (#14 item 4): a real rig with two ATMs run by an outside application
// (`controller: external`, the XFS4IoT face on), the application using only XFS4IoT and the bank's HTTP API, and
// the test playing the customer over the sim topics as a person would (AtmClient: keys, fingers, card, cash, phone).
// It checks what the bank says afterwards: balances and the ledger. The customer waits on the LCD, as a person does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtmClient, otpFromSms } from '../../atm-client.ts';
import { startFaceRig, type FaceRig } from '../testing.ts';
import { XfsAtm } from './atm.ts';
import { Bank } from './bank.ts';
import { readScreen } from './screens.ts';
import { seed001, seed002, type SessionOptions } from './session.ts';

let face: FaceRig;
const log: string[] = [];
/** Each session's last screen goes at once: the test does not move a clock. */
const options: SessionOptions = { log: (l) => log.push(l), farewellMs: 0 };
/** Every screen the application drew, from the LCD's state on the bus. */
const drawn: string[][] = [];

/** The LCD's screens as the bus carried them, kept when the person leaves. */
function keepScreens(person: AtmClient) {
  for (const m of person.messages) if (m.topic.endsWith('/lcd/state')) drawn.push(m.payload.lines as string[]);
}

beforeAll(async () => {
  face = await startFaceRig([
    { id: 'atm-1', profile: 'seed001' },
    { id: 'atm-2', profile: 'seed002' },
  ]);
  const seeded = await fetch(`${face.rig.bank.url}/staff/seed`, { method: 'POST', headers: await face.rig.bank.staffHeaders() });
  expect(seeded.status).toBe(200);
});
afterAll(() => face?.rig.close());

async function application(atmId: string) {
  const atm = await XfsAtm.discover(face.rig.xfs4iot!.publisherUrl, { authorization: face.authorization(atmId) });
  const bank = new Bank(face.rig.bank.url, atmId, face.rig.atmKeys.get(atmId)!);
  return { atm, bank };
}

async function account(customerId: string) {
  const headers = await face.rig.bank.staffHeaders();
  const customer = (await (await fetch(`${face.rig.bank.url}/staff/customers/${customerId}`, { headers })).json()) as { account: string };
  const get = async (path: string) => (await fetch(`${face.rig.bank.url}${path}`, { headers })).json();
  const { balance } = (await get(`/accounts/${customer.account}`)) as { balance: number };
  const { entries } = (await get(`/accounts/${customer.account}/ledger?money=true`)) as { entries: { type: string; amount: number }[] };
  return { balance, entries };
}

/** The finger the LCD asks for, once it asks on this attempt. */
async function askedFinger(person: AtmClient, attempt: number): Promise<number> {
  const lines = await person.untilLcd(`Attempt ${attempt} of 3`);
  return Number(/^Place finger (\d+)$/.exec(lines[0]!)![1]);
}

describe('the reference application over XFS4IoT', () => {
  it('seed001: ENTER, a wrong finger then the asked one, a wrong PIN then the right one, the OTP from the phone, 300.00', async () => {
    const { atm, bank } = await application('atm-1');
    const person = await AtmClient.connect(face.rig.brokerUrl, 'atm-1', face.rig.bus.simulator);
    const before = await account('C0001');
    let finger = 0;
    const session = seed001(atm, bank, { ...options, pickFinger: () => (finger = (finger % 10) + 1) });
    await person.untilLcd('Press ENTER to start');
    await person.press('ENTER');
    const first = await askedFinger(person, 1);
    await person.placeFinger((first % 10) + 1, 'C0001');
    await person.untilLcd('Wrong finger');
    await person.placeFinger(await askedFinger(person, 2), 'C0001');
    await person.untilLcd('Enter PIN');
    await person.untilLcd('Attempt 1 of 3');
    await person.type('1965');
    await person.untilLcd('Attempt 2 of 3');
    await person.type('1991');
    await person.untilLcd('sent by SMS (1/3)');
    const sms = await person.untilSms('+260971000001');
    expect(sms.from).toBe('+260970000000');
    await person.type(otpFromSms(sms.text));
    await person.untilLcd('1 Withdraw');
    await person.press('1');
    await person.untilLcd('Amount in ZMW');
    await person.type('300');
    await person.untilLcd('Take your cash');
    await person.takeCash();
    await person.untilLcd('1 Withdraw'); // the menu again
    await person.press('CANCEL');
    await person.untilLcd('Thank you');
    expect(await session).toBe('completed');
    const after = await account('C0001');
    expect(after.balance).toBe(before.balance - 30_000);
    expect(after.entries[0]).toMatchObject({ type: 'withdrawal', amount: -30_000 });
    keepScreens(person);
    await person.close();
    await atm.close();
  });

  it('seed002: card, password with letters, any finger 1:1, an 8-character OTP, 100.00, the card back', async () => {
    const { atm, bank } = await application('atm-2');
    const person = await AtmClient.connect(face.rig.brokerUrl, 'atm-2', face.rig.bus.simulator);
    const before = await account('C0002');
    const session = seed002(atm, bank, options);
    await person.untilLcd('Insert your card');
    await person.insertCard('5100001234567892');
    await person.untilLcd('Enter password');
    await person.untilLcd(/^_$/); // the cursor: the TextTerminal listens
    await person.type('XYZ789');
    await person.untilLcd('Place your finger');
    await person.placeFinger(6, 'C0002');
    await person.untilLcd('sent by SMS (1/3)');
    await person.untilLcd(/^_$/);
    const code = otpFromSms((await person.untilSms('+260971000002')).text);
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    await person.type(code);
    await person.untilLcd('1 Withdraw');
    await person.press('1');
    await person.untilLcd('Amount in ZMW');
    await person.type('100');
    await person.untilLcd('Take your cash');
    await person.takeCash();
    await person.untilLcd('1 Withdraw');
    await person.press('CANCEL');
    await person.untilLcd('Take your card');
    await person.removeCard();
    expect(await session).toBe('completed');
    const after = await account('C0002');
    expect(after.balance).toBe(before.balance - 10_000);
    expect(after.entries[0]).toMatchObject({ type: 'withdrawal', amount: -10_000 });
    keepScreens(person);
    await person.close();
    await atm.close();
  });

  it('three wrong PINs end the session (lockout): nothing moves', async () => {
    const { atm, bank } = await application('atm-1');
    const person = await AtmClient.connect(face.rig.brokerUrl, 'atm-1', face.rig.bus.simulator);
    const before = await account('C0003');
    const session = seed001(atm, bank, options);
    await person.untilLcd('Press ENTER to start');
    await person.press('ENTER');
    await person.placeFinger(await askedFinger(person, 1), 'C0003');
    for (const attempt of [1, 2, 3]) {
      await person.untilLcd(`Attempt ${attempt} of 3`);
      await person.untilLcd('Enter PIN');
      await person.type('0000');
    }
    await person.untilLcd('Too many attempts');
    expect(await session).toBe('lockout');
    expect((await account('C0003')).balance).toBe(before.balance);
    keepScreens(person);
    await person.close();
    await atm.close();
  });

  it('every screen the application drew is in its table (screens.ts), which the Cucumber world reads it with', () => {
    const read = drawn.filter((lines) => lines.some(Boolean)).map((lines) => [lines[0], readScreen(lines)?.screen] as const);
    expect(read.filter(([, screen]) => !screen)).toEqual([]);
    const names = new Set(read.map(([, screen]) => screen));
    for (const screen of ['welcome', 'place-finger', 'notice', 'enter-pin', 'enter-password', 'enter-otp', 'menu', 'result', 'goodbye'])
      expect(names).toContain(screen);
  });

  it("the application's log has no secret; the face sent nothing its schema refuses", () => {
    expect(log.length).toBeGreaterThan(3);
    for (const secret of ['1991', '1965', 'XYZ789', '5100001234567892', '4000001234567899']) expect(log.join('\n')).not.toContain(secret);
    expect(face.problems).toEqual([]);
  });
});
