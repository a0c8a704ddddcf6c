// The whole rig end to end: embedded broker on a free port, bank over HTTP, every device and the controller as
// its own MQTT client, a person driving it over MQTT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Socket } from 'node:net';
import mqtt from 'mqtt';
import { PairEnd } from '../core/duplex-pair.ts';
import { AtmClient, otpFromSms } from './atm-client.ts';
import { startRig, type Rig } from './rig.ts';

let rig: Rig;
let person: AtmClient;

beforeAll(async () => {
  rig = await startRig({
    seed: 2024,
    broker: { port: 0, wsPort: 0, hashIterations: 10 },
    bank: { port: 0, file: ':memory:', hashLogN: 10 },
    atms: [{ id: 'atm-1', profile: 'seed001', gsm: { deliveryDelayMs: 10 }, dispenser: { dispenseMs: 10 } }],
  });
  const seeded = await fetch(`${rig.bank.url}/staff/seed`, { method: 'POST', headers: await rig.bank.staffHeaders() });
  expect(seeded.status).toBe(200);
  person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
});

afterAll(async () => {
  await person?.close();
  await rig?.close();
});

async function balanceOf(customerId: string): Promise<number> {
  const customer = (await (
    await fetch(`${rig.bank.url}/staff/customers/${customerId}`, { headers: await rig.bank.staffHeaders() })
  ).json()) as { account: string };
  const account = (await (
    await fetch(`${rig.bank.url}/accounts/${customer.account}`, { headers: await rig.bank.staffHeaders() })
  ).json()) as { balance: number };
  return account.balance;
}

describe('rig end to end over MQTT', () => {
  it('walks a seed001 session: random finger, PIN, OTP from the phone, withdrawal', async () => {
    const before = await balanceOf('C0001');
    await person.untilLcd('Press ENTER to start');
    await person.press('ENTER');
    const { requestedFinger } = await person.untilState('session.auth.fingerprint.waiting');
    await person.untilLcd(`Place finger ${requestedFinger}`);
    await person.placeFinger(requestedFinger!, 'C0001');
    await person.untilState('session.auth.pin.entering');
    await person.type('1991');
    await person.untilState('session.auth.otp.entering');
    const sms = await person.untilSms('+260971000001');
    expect(sms.from).toBe('+260970000000');
    await person.type(otpFromSms(sms.text));
    await person.untilState('session.menu');
    const mark = person.messages.length;
    await person.press('1');
    await person.type('300');
    const dispensed = await person.nextMessage('/dispenser/evt/dispensed', mark);
    expect(dispensed.payload).toMatchObject({ amount: 30_000, notes: { '10000': 3 } });
    await person.untilLcd('Take your cash');
    // The receipt printer prints the session's receipt (a device module acting on a session event).
    const printed = await person.nextMessage('/printer/evt/printed', mark);
    expect(printed.payload.lines).toEqual(expect.arrayContaining(['ATM atm-1', 'WITHDRAWAL ZMW 300.00']));
    // One reference per receipt, the session's and its transaction's.
    expect(printed.payload.ref).toMatch(/^atm-1-[0-9a-f]{6}-\d+$/);
    await person.takeCash();
    await person.press('CANCEL');
    const ended = await person.nextMessage('/session/evt/ended', mark);
    expect(ended.payload).toMatchObject({ reason: 'completed' });
    await person.untilState('idle', 10_000);
    expect(await balanceOf('C0001')).toBe(before - 30_000);
  });

  it('answers malformed payloads with error events and keeps running', async () => {
    const mark = person.messages.length;
    await person.client.publishAsync('atm/atm-1/keypad/sim/press', 'not json', { qos: 1 });
    const e1 = await person.nextMessage('/keypad/evt/error', mark);
    expect(e1.payload).toMatchObject({ code: 'bad-payload', topic: 'atm/atm-1/keypad/sim/press' });
    await person.client.publishAsync('atm/atm-1/keypad/sim/press', JSON.stringify({ key: 'F1' }), { qos: 1 });
    await person.client.publishAsync('atm/atm-1/fingerprint/sim/place', JSON.stringify({ finger: 11 }), { qos: 1 });
    // A malformed event from the keypad itself (its own credentials): the controller rejects it.
    const keypad = await mqtt.connectAsync(rig.brokerUrl, rig.bus.internal.get('atm-1.keypad')!);
    await keypad.publishAsync('atm/atm-1/keypad/evt/key', JSON.stringify({ key: 42 }), { qos: 1 });
    await keypad.endAsync();
    await person.nextMessage('/fingerprint/evt/error', mark);
    const e3 = await person.nextMessage('/session/evt/error', mark);
    expect(e3.payload).toMatchObject({ code: 'bad-payload', topic: 'atm/atm-1/keypad/evt/key' });
    // still alive: a real key press still moves the session
    await person.press('ENTER');
    await person.untilState('session.auth.fingerprint');
    await person.press('CANCEL');
    await person.untilState('ending');
  });

  it('publishes retained device states, and a device that dies shows offline', async () => {
    const watcher = await mqtt.connectAsync(rig.brokerUrl, rig.bus.observer);
    const states = new Map<string, { online: boolean }>();
    watcher.on('message', (topic, buf) => states.set(topic, JSON.parse(buf.toString())));
    await watcher.subscribeAsync('atm/atm-1/+/state');
    await new Promise((r) => setTimeout(r, 200));
    for (const d of ['card', 'keypad', 'fingerprint', 'lcd', 'gsm', 'dispenser'])
      expect(states.get(`atm/atm-1/${d}/state`)?.online).toBe(true);
    // Kill the keypad's connection without a clean disconnect: the broker sends its last will.
    const keypad = rig.atms[0]!.devices.find((d) => d.device.kind === 'keypad')!;
    // The rig's own devices reach its broker in memory (core/in-process-servers.ts); the watcher came over TCP.
    expect(keypad.client.stream).toBeInstanceOf(PairEnd);
    expect(watcher.stream).toBeInstanceOf(Socket);
    keypad.client.stream.destroy();
    await new Promise<void>((resolve) => {
      const check = () => (states.get('atm/atm-1/keypad/state')?.online === false ? resolve() : setTimeout(check, 20));
      check();
    });
    await watcher.endAsync();
  });
});

describe('AtmClient.until', () => {
  it('notices a condition that no bus message announces (it polls as well)', async () => {
    await person.untilState('idle');
    let ready = false;
    setTimeout(() => (ready = true), 100);
    const started = Date.now();
    await person.until(() => ready, 'a flag set off the bus', 2000);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('two runs of the rig on one bank file', () => {
  it("never mistake the second run's withdrawal for a replay of the first (same seed, manual clock)", async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(await mkdtemp(join(tmpdir(), 'atm-rig-runs-')), 'bank.json');
    const config = {
      seed: 99,
      clock: 'manual' as const,
      broker: { port: 0, wsPort: null, hashIterations: 10 },
      bank: { port: 0, file, hashLogN: 10 },
      atms: [{ id: 'atm-1', gsm: { deliveryDelayMs: 0 }, dispenser: { dispenseMs: 0 } }],
    };
    const balances: number[] = [];
    for (let run = 0; run < 2; run++) {
      const r = await startRig(config);
      const staff = await r.bank.staffHeaders();
      if (run === 0) await fetch(`${r.bank.url}/staff/seed`, { method: 'POST', headers: staff });
      const p = await AtmClient.connect(r.brokerUrl, 'atm-1', r.bus.simulator);
      await p.throughFingerAndPin('C0001', '1991');
      await p.advanceClock(0); // the manual clock lets the (zero) delivery delay pass
      await p.type(otpFromSms((await p.untilSms('+260971000001')).text));
      await p.untilState('session.menu');
      await p.press('1');
      await p.untilState('session.withdraw.amount');
      await p.type('100');
      await p.untilState('session.withdraw.inFlight.dispensing');
      await p.advanceClock(0);
      await p.untilState('session.result');
      balances.push(r.bank.service.account(r.bank.service.snapshot().accounts.find((a) => a.customerId === 'C0001')!.number).balance);
      await p.close();
      await r.close();
    }
    expect(balances).toEqual([490_000, 480_000]);
  }, 30_000);
});
