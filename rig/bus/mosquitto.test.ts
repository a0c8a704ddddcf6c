// The same password file and ACL in a real Mosquitto (Debian's, installed by scripts/system-deps.sh): the rig
// runs against it as an external broker, a customer completes the first tiers, and a spoofing device is stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtmClient } from '../atm-client.ts';
import { startRig, type Rig } from '../rig.ts';
import { prepareBusSecurity } from './security.ts';
import { freePort } from '../../core/free-port.ts';

const MOSQUITTO = '/usr/sbin/mosquitto';

describe.skipIf(!existsSync(MOSQUITTO))("an external Mosquitto with the rig's passwd and acl files", () => {
  let broker: ChildProcess;
  let rig: Rig;
  let url = '';

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atm-rig-mosquitto-'));
    // The files the rig writes at first start, made first so the broker can load them.
    const bus = await prepareBusSecurity(['atm-1'], dir, { iterations: 1000 });
    const port = await freePort();
    url = `mqtt://127.0.0.1:${port}`;
    await writeFile(
      join(dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous false',
        `password_file ${join(bus.dir!, 'passwd')}`,
        `acl_file ${join(bus.dir!, 'acl')}`,
        'persistence false',
        // As root Mosquitto would switch to a "mosquitto" user that cannot read the private files.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
      ].join('\n') + '\n',
    );
    broker = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    broker.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    for (let i = 0; i < 50; i++) {
      if (
        await mqtt.connectAsync(url, { ...bus.observer, reconnectPeriod: 0, connectTimeout: 500 }).then(
          (c) => c.endAsync().then(() => true),
          () => false,
        )
      )
        break;
      if (i === 49) throw new Error(`mosquitto did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    rig = await startRig({
      seed: 11,
      broker: { url, hashIterations: 1000 },
      bank: { port: 0, file: join(dir, 'bank.json'), hashLogN: 10 },
      atms: [{ id: 'atm-1', gsm: { deliveryDelayMs: 10 }, dispenser: { dispenseMs: 10 } }],
    });
    await fetch(`${rig.bank.url}/staff/seed`, { method: 'POST', headers: await rig.bank.staffHeaders() });
  }, 30_000);

  afterAll(async () => {
    await rig?.close();
    broker?.kill();
  });

  it("runs a session through Mosquitto with the same users; the acl's deny lines keep the secrets from the observer", async () => {
    const observer = await mqtt.connectAsync(url, { ...rig.bus.observer, reconnectPeriod: 0 });
    const seen: string[] = [];
    observer.on('message', (t) => seen.push(t));
    await observer.subscribeAsync(['atm/#', 'rig/#']);
    const person = await AtmClient.connect(url, 'atm-1', rig.bus.simulator);
    await person.throughFingerAndPin('C0001', '1991');
    await person.untilSms('+260971000001');
    expect(person.messages.some((m) => m.topic.endsWith('keypad/evt/key'))).toBe(true);
    // The clock service's answer to a bad advance reaches the observer after all of the above.
    const marker = new Promise((r) => observer.on('message', (t) => t === 'rig/clock/evt/error' && r(undefined)));
    await person.client.publishAsync('rig/clock/sim/advance', 'not json', { qos: 1 });
    await marker;
    expect(seen).toContain('atm/atm-1/session/state');
    expect(seen.filter((t) => /keypad\/(evt\/key|sim\/press)|fingerprint\/(evt\/captured|sim\/place)|gsm\/cmd\/send/.test(t))).toEqual([]);
    await observer.endAsync();
    await person.close();
  });

  it("refuses anonymous clients, and drops a device publishing another device's events", async () => {
    await expect(mqtt.connectAsync(url, { reconnectPeriod: 0 })).rejects.toThrow();
    const watcher = await mqtt.connectAsync(url, rig.bus.observer);
    const seen: string[] = [];
    watcher.on('message', (t) => seen.push(t));
    await watcher.subscribeAsync('atm/atm-1/card/evt/#');
    const keypad = await mqtt.connectAsync(url, { ...rig.bus.internal.get('atm-1.keypad')!, clientId: 'spoofing-keypad' });
    await keypad.publishAsync('atm/atm-1/card/evt/inserted', JSON.stringify({ pan: '4000001234567899' }), { qos: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
    await keypad.endAsync();
    await watcher.endAsync();
  });
});
