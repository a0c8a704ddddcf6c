// Access control on the embedded broker: real Aedes, real MQTT clients with real credentials.
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type Rig } from '../rig.ts';
import { Acl, filterCovers, topicMatches } from './acl.ts';
import { checkPassword, hashPassword, parsePasswd } from './passwd.ts';

describe('ACL matching', () => {
  it('matches topics and covers filters as MQTT defines them', () => {
    expect(topicMatches('atm/+/keypad/evt/+', 'atm/atm-1/keypad/evt/key')).toBe(true);
    expect(topicMatches('atm/+/keypad/evt/+', 'atm/atm-1/card/evt/inserted')).toBe(false);
    expect(topicMatches('phone/#', 'phone/260971000001/inbox')).toBe(true);
    expect(filterCovers('atm/atm-1/#', 'atm/atm-1/keypad/+')).toBe(true);
    expect(filterCovers('atm/atm-1/#', 'atm/#')).toBe(false);
    expect(filterCovers('atm/+/x', 'atm/#')).toBe(false);
    expect(filterCovers('#', 'anything/at/all')).toBe(true);
  });

  it('reads and writes Mosquitto acl_file text', () => {
    const acl = Acl.parse('user a\ntopic write x/+\ntopic read y/#\ntopic deny y/secret\n');
    expect(acl.canPublish('a', 'x/1')).toBe(true);
    expect(acl.canPublish('a', 'y/1')).toBe(false);
    expect(acl.canSubscribe('a', 'y/public')).toBe(true);
    expect(acl.canSubscribe('a', 'y/secret')).toBe(false);
    expect(Acl.parse(acl.format()).canPublish('a', 'x/2')).toBe(true);
  });

  it('hashes passwords the way mosquitto_passwd does ($7$, PBKDF2-SHA512)', async () => {
    const hash = await hashPassword('s3cret', 1000);
    expect(hash).toMatch(/^\$7\$1000\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(await checkPassword('s3cret', hash)).toBe(true);
    expect(await checkPassword('S3cret', hash)).toBe(false);
  });
});

describe('the bus of a running rig', () => {
  let rig: Rig;
  let dir = '';
  const denied: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atm-rig-bus-'));
    rig = await startRig(
      { seed: 5, broker: { port: 0, wsPort: null, hashIterations: 10 }, bank: { port: 0, file: join(dir, 'bank.json'), hashLogN: 10 } },
      { onDenied: (what) => denied.push(what) },
    );
  });
  afterAll(() => rig.close());

  const connect = (opts: mqtt.IClientOptions) => mqtt.connectAsync(rig.brokerUrl, { reconnectPeriod: 0, ...opts });

  it('refuses anonymous clients and wrong passwords', async () => {
    await expect(connect({})).rejects.toThrow(/Not authorized|Connection refused/i);
    await expect(connect({ username: 'simulator', password: 'guess' })).rejects.toThrow(/Bad username or password|Connection refused/i);
  });

  it("a device may not publish another device's events: the broker drops it and disconnects it", async () => {
    const watcher = await connect(rig.bus.observer);
    const seen: string[] = [];
    watcher.on('message', (t) => seen.push(t));
    await watcher.subscribeAsync('atm/atm-1/card/evt/#');
    const keypad = await connect(rig.bus.internal.get('atm-1.keypad')!);
    const closed = new Promise((r) => keypad.once('close', () => r(undefined)));
    keypad.publish('atm/atm-1/card/evt/inserted', JSON.stringify({ pan: '4000001234567899' }), { qos: 0 });
    await closed;
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([]);
    expect(denied).toContain('atm-1.keypad may not publish to atm/atm-1/card/evt/inserted');
    await watcher.endAsync();
  });

  it('a device may not read phone/# (the OTPs) nor anything outside its own commands', async () => {
    const keypad = await connect(rig.bus.internal.get('atm-1.keypad')!);
    // The broker answers a refused subscription with SUBACK 0x80; mqtt.js turns that into an error.
    await expect(keypad.subscribeAsync('phone/#')).rejects.toThrow(/Subscribe error/);
    await expect(keypad.subscribeAsync('atm/#')).rejects.toThrow(/Subscribe error/);
    expect((await keypad.subscribeAsync('atm/atm-1/keypad/cmd/+')).map((g) => g.qos)).toEqual([0]);
    expect(keypad.connected).toBe(true);
    await keypad.endAsync();
  });

  it('only the simulator role may publish sim topics; the observer may only watch', async () => {
    const observer = await connect(rig.bus.observer);
    const closed = new Promise((r) => observer.once('close', () => r(undefined)));
    observer.publish('atm/atm-1/keypad/sim/press', JSON.stringify({ key: 'ENTER' }));
    await closed;
    const simulator = await connect(rig.bus.simulator);
    await simulator.publishAsync('atm/atm-1/keypad/sim/press', JSON.stringify({ key: 'CANCEL' }), { qos: 1 });
    expect(simulator.connected).toBe(true);
    await simulator.endAsync();
  });

  it('refuses payloads over 64 KiB', async () => {
    const simulator = await connect(rig.bus.simulator);
    const closed = new Promise((r) => simulator.once('close', () => r(undefined)));
    simulator.publish('atm/atm-1/keypad/sim/press', 'x'.repeat(70 * 1024));
    await closed;
  });

  it('keeps only hashes in the password file, and the keyring private', async () => {
    const passwd = parsePasswd(await readFile(join(dir, 'bus/passwd'), 'utf8'));
    expect(passwd.get('simulator')).toMatch(/^\$7\$/);
    expect(await readFile(join(dir, 'bus/passwd'), 'utf8')).not.toContain(rig.bus.simulator.password);
    expect((await stat(join(dir, 'bus/credentials.json'))).mode & 0o077).toBe(0);
    expect(await readFile(join(dir, 'bus/acl'), 'utf8')).toContain('user atm-1.keypad\ntopic write atm/atm-1/keypad/evt/+');
  });
});

describe('TLS listeners', () => {
  it('serves mqtts:// and wss:// with a certificate made at first start, which clients pin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atm-rig-tls-'));
    const rig = await startRig({
      broker: { port: 0, wsPort: null, hashIterations: 10, tls: { port: 0, wsPort: 0 } },
      bank: { port: 0, file: join(dir, 'bank.json'), hashLogN: 10 },
    });
    try {
      expect(rig.tlsUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
      const ca = await readFile(rig.tlsCertPath!, 'utf8');
      expect(ca).toContain('BEGIN CERTIFICATE');
      expect((await stat(join(dir, 'bus/tls/key.pem'))).mode & 0o077).toBe(0);
      for (const url of [rig.tlsUrl!, rig.wssUrl!]) {
        const c = await mqtt.connectAsync(url, {
          ...rig.bus.observer,
          ca,
          servername: 'localhost',
          rejectUnauthorized: true,
          reconnectPeriod: 0,
        });
        const [grant] = await c.subscribeAsync('atm/atm-1/session/state');
        expect(grant!.qos).toBe(0);
        await c.endAsync();
      }
      // Without pinning the self-signed certificate, a careful client refuses it.
      await expect(
        mqtt.connectAsync(rig.tlsUrl!, { ...rig.bus.observer, rejectUnauthorized: true, reconnectPeriod: 0, connectTimeout: 2000 }),
      ).rejects.toThrow(/self.signed|certificate/i);
    } finally {
      await rig.close();
    }
  }, 30_000);
});
