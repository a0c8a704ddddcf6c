/** Setting the scene: the ATM and its profile, the customers, the bank, the devices' faults, and time. */
import assert from 'node:assert/strict';
import { Given, When, type DataTable } from '@cucumber/cucumber';
import { synthTemplate } from '../../devices/fingerprint/template.ts';
import { XFS4IOT, type AtmWorld, type Person } from '../support/world.ts';
import { topics } from '../../devices/topics.ts';

Given('an ATM running the {string} profile', XFS4IOT, function (this: AtmWorld, profile: string) {
  this.configure('an ATM running a profile', () => (this.profile = profile));
});

Given('an ATM running the {string} profile that asks for finger {int}', function (this: AtmWorld, profile: string, finger: number) {
  this.configure('an ATM that asks for a finger', () => {
    this.profile = profile;
    this.seedAskingFor(finger);
  });
});

Given('an ATM running this profile:', function (this: AtmWorld, json: string) {
  this.configure('an ATM running this profile', () => this.useProfile(JSON.parse(json)));
});

Given("the ATM's fingerprint sensor detects artificial fingers", function (this: AtmWorld) {
  this.configure('liveness detection', () => (this.atmOverrides.fingerprint = { liveness: true, match: 'bank' }));
});

Given('the bank allows {float} of withdrawals a day', function (this: AtmWorld, limit: number) {
  this.configure('a daily limit', () => (this.bankOverrides.dailyWithdrawalLimit = Math.round(limit * 100)));
});

Given('the demo customers are enrolled', XFS4IOT, async function (this: AtmWorld) {
  const { customers } = await this.bank<{ customers: { id: string; account: string }[] }>('POST', '/staff/seed');
  this.registerDemoCustomers(new Map(customers.map((c) => [c.id, c.account])));
});

/**
 * | name  | phone         | pin  | password | username | fingers | card             | balance |
 * Only name and phone are required. fingers: "1-10", "1,3,5" or "none" (default 1-10).
 */
Given('these customers are enrolled:', async function (this: AtmWorld, table: DataTable) {
  for (const row of table.hashes()) {
    assert.ok(row.name && row.phone, 'every customer needs a name and a phone');
    const first = row.name.split(' ')[0]!.toLowerCase();
    const created = await this.bank<{ id: string; account: string }>('POST', '/staff/customers', {
      name: row.name,
      phone: row.phone,
      email: `${first}@example.test`,
      address: row.address ?? '1 Test Street',
      city: row.city ?? 'Lusaka',
      gender: row.gender ?? 'undisclosed',
      dateOfBirth: row['date of birth'] ?? '1990-01-01',
      ...(row.username ? { username: row.username } : {}),
    });
    const fingers = parseFingers(row.fingers ?? '1-10');
    if (row.pin) await this.bank('PUT', `/staff/customers/${created.id}/pin`, { pin: row.pin });
    if (row.password) await this.bank('PUT', `/staff/customers/${created.id}/password`, { password: row.password });
    for (const f of fingers)
      await this.bank('PUT', `/staff/customers/${created.id}/fingers/${f}`, { template: synthTemplate(created.id, f) });
    if (row.card) await this.bank('POST', `/staff/customers/${created.id}/cards`, { provider: 'local', pan: row.card });
    if (row.balance && Number(row.balance) > 0) {
      await this.bank(
        'POST',
        `/accounts/${created.account}/deposits`,
        { amount: Math.round(Number(row.balance) * 100) },
        { 'idempotency-key': `enrol-${created.id}` },
      );
    }
    const person: Person = {
      name: row.name,
      id: created.id,
      phone: row.phone,
      pin: row.pin,
      password: row.password,
      username: row.username,
      pan: row.card,
      account: created.account,
      fingers,
    };
    this.people.set(row.name, person);
  }
});

function parseFingers(spec: string): number[] {
  if (spec.trim() === 'none') return [];
  return spec.split(',').flatMap((part) => {
    const [a, b] = part.trim().split('-').map(Number);
    if (!Number.isInteger(a) || a! < 1 || a! > 10 || (b !== undefined && (!Number.isInteger(b) || b < a! || b > 10)))
      throw new Error(`bad fingers "${spec}": use 1-10, 1,3,5 or none`);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

Given('{word} has {float} in her/his account', async function (this: AtmWorld, name: string, amount: number) {
  const who = this.named(name);
  const { balance } = await this.balanceOf(who);
  const delta = Math.round(amount * 100) - balance;
  assert.ok(delta >= 0, `${name} already has more than ${amount}; enrol a new customer for this scenario`);
  if (delta > 0)
    await this.bank('POST', `/accounts/${who.account}/deposits`, { amount: delta }, { 'idempotency-key': `top-up-${who.id}-${balance}` });
});

Given('the dispenser holds:', async function (this: AtmWorld, table: DataTable) {
  const { person } = await this.ready();
  const cassettes = table.hashes().map((r) => ({ denomination: Math.round(Number(r.denomination) * 100), count: Number(r.count) }));
  const mark = person.messages.length;
  await person.client.publishAsync(topics.device(this.atmId, 'dispenser', 'sim', 'refill'), JSON.stringify({ cassettes }), { qos: 1 });
  await person.nextMessage('/dispenser/state', mark);
});

// ---- faults ----

async function sim(world: AtmWorld, device: string, name: string, payload: object) {
  const { person } = await world.ready();
  const mark = person.messages.length;
  const emulator = world.emulators.get(device);
  const acted = emulator?.simsActed ?? 0;
  await person.client.publishAsync(topics.device(world.atmId, device, 'sim', name), JSON.stringify(payload), { qos: 1 });
  // A virtual device shows its fault in its state; behind a serial driver the fault is in the module, which says
  // nothing until asked (a real LCDM does not announce a jam): wait for the emulator to have it.
  if (emulator) await person.until(() => emulator.simsActed > acted, `the ${device} emulator to act out sim/${name}`);
  else await person.nextMessage(`/${device}/state`, mark);
}

Given('the SMS network delays messages by {int} minute(s)', async function (this: AtmWorld, minutes: number) {
  await sim(this, 'gsm', 'fault', { mode: 'delay', ms: minutes * 60_000 });
});

Given('the SMS network loses messages', async function (this: AtmWorld) {
  await sim(this, 'gsm', 'fault', { mode: 'drop' });
});

Given('the bank fails to issue OTPs', function (this: AtmWorld) {
  this.failingBankCalls.add('issueOtp');
});

Given('the GSM modem hangs', async function (this: AtmWorld) {
  await sim(this, 'gsm', 'fault', { mode: 'hang' });
});

Given('the GSM modem has no network', async function (this: AtmWorld) {
  await sim(this, 'gsm', 'network', { registered: false });
});

Given('the dispenser jams', async function (this: AtmWorld) {
  await sim(this, 'dispenser', 'jam', { on: true });
});

Given('the dispenser rejects {int} notes on every dispense', async function (this: AtmWorld, notes: number) {
  await sim(this, 'dispenser', 'rejects', { notes });
});

Given('the dispenser miscounts by {int} note(s)', async function (this: AtmWorld, notes: number) {
  await sim(this, 'dispenser', 'miscount', { notes });
});

Given('the dispenser stops answering', async function (this: AtmWorld) {
  await sim(this, 'dispenser', 'hang', { on: true });
});

When('the {word} is disconnected', async function (this: AtmWorld, device: string) {
  const { person } = await this.ready();
  const attached = this.atm.devices.find((d) => d.device.kind === device);
  assert.ok(attached, `no ${device} on the ATM`);
  const mark = person.messages.length;
  // Cut the connection without a goodbye, like a pulled cable: the broker publishes the device's last will.
  attached.client.stream.destroy();
  await person.nextMessage(`/${device}/state`, mark);
});

When('the broker restarts', async function (this: AtmWorld) {
  const { rig, person } = await this.ready();
  assert.ok(rig.broker, 'the rig uses an external broker');
  const mark = person.messages.length;
  await rig.broker.restart();
  // Every client reconnects by itself, the person's too; the controller then republishes the session state.
  await person.nextMessage('/session/state', mark, 10_000);
});

When('the bank goes down', async function (this: AtmWorld) {
  const { rig } = await this.ready();
  await rig.bank.stop();
});

When('the bank comes back', async function (this: AtmWorld) {
  const { rig } = await this.ready();
  await rig.bank.resume();
});

// ---- time ----

When('{int} second(s) pass(es)', async function (this: AtmWorld, seconds: number) {
  const { person } = await this.ready();
  await person.advanceClock(seconds * 1000);
});

When('{int} minute(s) pass(es)', async function (this: AtmWorld, minutes: number) {
  const { person } = await this.ready();
  await person.advanceClock(minutes * 60_000);
});

Given('{word} is not a customer of the bank', function (this: AtmWorld, name: string) {
  this.people.set(name, { name, id: 'C9999', phone: '+260979999999', account: '0000000000', fingers: [] });
});

When('staff unlock {word}', async function (this: AtmWorld, name: string) {
  const who = this.named(name);
  await this.bank('POST', `/staff/customers/${who.id}/unlock`);
});

/** A pulled cable: the device's bus connection dies without a goodbye and stays away until plugged back in. */
async function unplug(world: AtmWorld, device: string) {
  const { person } = await world.ready();
  const attached = world.atm.devices.find((d) => d.device.kind === device);
  assert.ok(attached, `no ${device} on the ATM`);
  const mark = person.messages.length;
  attached.client.options.reconnectPeriod = 0;
  attached.client.stream.destroy();
  await person.nextMessage(`/${device}/state`, mark);
  return {
    plugIn() {
      attached.client.options.reconnectPeriod = 1000;
      attached.client.reconnect();
    },
  };
}

When('the {word} is unplugged', async function (this: AtmWorld, device: string) {
  await unplug(this, device);
});

When('the {word} loses power for {int} second(s)', async function (this: AtmWorld, device: string, seconds: number) {
  await this.ready();
  const emulator = this.emulators.get(device)?.device as { powerCycle?: (offMs: number) => void } | undefined;
  if (emulator?.powerCycle) return emulator.powerCycle(seconds * 1000); // the module reboots behind its kept port
  // A virtual device has no power to cut: it drops off the bus for as long, as a rebooting module does.
  const cable = await unplug(this, device);
  setTimeout(() => cable.plugIn(), seconds * 1000).unref();
});

When('the {word} is plugged back in', async function (this: AtmWorld, device: string) {
  await this.ready();
  const attached = this.atm.devices.find((d) => d.device.kind === device);
  assert.ok(attached, `no ${device} on the ATM`);
  attached.client.options.reconnectPeriod = 1000;
  attached.client.reconnect();
});
