// No secret ever reaches a log: a whole session runs with the bank logging every request at trace level and the
// bus trace printing every message; then both are searched for the PIN, the password, the OTP, the card number
// and the phone number.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtmClient, otpFromSms } from './atm-client.ts';
import { formatMessage, traceBus, traceText } from './bus-trace.ts';
import { startRig, type Rig } from './rig.ts';
import { DEMO_CUSTOMERS } from './seed.ts';

const alice = DEMO_CUSTOMERS[0]!;
let rig: Rig;
let bankLog = '';
const trace: string[] = [];

beforeAll(async () => {
  const sink = new Writable({ write: (chunk, _enc, done) => ((bankLog += chunk.toString()), done()) });
  rig = await startRig(
    {
      seed: 77,
      broker: { port: 0, wsPort: null, hashIterations: 10 },
      bank: { port: 0, file: ':memory:', hashLogN: 10 },
      atms: [{ id: 'atm-1', profile: 'seed002', gsm: { deliveryDelayMs: 5 }, dispenser: { dispenseMs: 5 } }],
    },
    { bankLog: sink },
  );
  await fetch(`${rig.bank.url}/staff/seed`, { method: 'POST', headers: await rig.bank.staffHeaders() });
});
afterAll(() => rig.close());

describe('secrets in logs', () => {
  it('a full seed002 session leaves no PIN, password, OTP, card or phone number in the bank log or the bus trace', async () => {
    const tracer = await traceBus(rig.brokerUrl, 'atm-1', (l) => trace.push(l), rig.bus.internal.get('rig.trace')!);
    const person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
    await person.untilState('idle');
    await person.insertCard(alice.pan);
    await person.untilState('session.auth.password.entering');
    await person.type(alice.password);
    await person.untilState('session.auth.fingerprint.waiting');
    await person.placeFinger(4, alice.id);
    await person.untilState('session.auth.otp.entering');
    const code = otpFromSms((await person.untilSms(alice.kyc.phone)).text);
    await person.type(code);
    await person.untilState('session.menu');
    await person.press('4'); // change password, so the old and new one travel too
    await person.type(alice.password);
    await person.type('NEW777');
    await person.type('NEW777');
    await person.untilState('session.result');
    await person.press('CANCEL');
    await person.untilState('ending');
    await new Promise((r) => setTimeout(r, 200));
    await person.close();
    await tracer.close();

    // What a person sees on the LCD, what a Cucumber report attaches, what the live view prints.
    const lcdScreens = person.messages
      .filter((m) => m.topic === 'atm/atm-1/lcd/state')
      .map((m) => JSON.stringify(m.payload.lines))
      .join('\n');
    const logs = { bank: bankLog, trace: trace.join('\n'), 'report attachment': traceText(person.messages), lcd: lcdScreens };
    expect(bankLog.length).toBeGreaterThan(1000); // the bank did log every request
    expect(trace.length).toBeGreaterThan(30);
    for (const [name, text] of Object.entries(logs)) {
      for (const secret of [alice.password, 'NEW777', code, alice.pan, alice.kyc.phone, alice.kyc.phone.slice(1)]) {
        expect(text.includes(secret), `${name} log contains ${secret}`).toBe(false);
        // A secret typed key by key shows up one character a line: read the keys back in order.
        expect(keysIn(text).includes(secret), `${name} log spells ${secret} key by key`).toBe(false);
      }
    }
    expect(trace.some((l) => l.includes('code is ******'))).toBe(true);
    expect(trace.some((l) => /"pan":"\*{12}7899"/.test(l))).toBe(true);
  });

  it('reads keys typed one a line back in order (so the check above can see them)', () => {
    const text = [
      'x atm/atm-1/keypad/evt/key {"key":"1"}',
      'noise 42',
      'y atm/atm-1/keypad/sim/press {"key":"8"}',
      'z atm/atm-1/keypad/evt/key {"key":"6"}',
    ].join('\n');
    expect(keysIn(text)).toBe('186');
  });

  it('masks card and phone numbers in any trace line, but leaves timestamps alone', () => {
    const line = formatMessage(
      'phone/260971000001/inbox',
      { from: '+260970000000', text: 'your one-time code is 123456. It expires', ts: 1795426907438 },
      undefined,
    )!;
    expect(line).toContain('phone/********0001/inbox');
    expect(line).toContain('"from":"+********0000"');
    expect(line).toContain('code is ******');
    expect(line).toContain('1795426907438');
  });
});

/** Every key a log shows pressed, in order: `{"key":"1"}` on keypad topics. */
function keysIn(text: string): string {
  return [...text.matchAll(/keypad\/(?:evt\/key|sim\/press)\S*\s+\{"key":"([0-9A-Z])"\}/g)].map((m) => m[1]).join('');
}
