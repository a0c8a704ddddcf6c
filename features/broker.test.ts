// The broker profile's plumbing: which broker a scenario uses, and a throwaway Mosquitto that knows the rig's users.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { AtmClient } from '../rig/atm-client.ts';
import { startRig, type Rig } from '../rig/rig.ts';
import { BROKER_HASH_ITERATIONS, brokerMode, externalBroker, MOSQUITTO, mosquittoMissing, type ExternalBroker } from './support/broker.ts';

describe('brokerMode', () => {
  it('takes the profile’s parameter first, then ATM_RIG_BROKER, else the embedded broker', () => {
    const saved = process.env.ATM_RIG_BROKER;
    try {
      delete process.env.ATM_RIG_BROKER;
      expect(brokerMode(undefined)).toBe('embedded');
      process.env.ATM_RIG_BROKER = 'mqtt://127.0.0.1:1883';
      expect(brokerMode({})).toBe('mqtt://127.0.0.1:1883');
      expect(brokerMode({ broker: 'mosquitto' })).toBe('mosquitto');
      expect(() => brokerMode({ broker: 'rabbit' })).toThrow(/use mosquitto, embedded or a broker's URL/);
    } finally {
      if (saved === undefined) delete process.env.ATM_RIG_BROKER;
      else process.env.ATM_RIG_BROKER = saved;
    }
  });
});

describe('mosquittoMissing', () => {
  it('skips the Mosquitto scenarios where it is not installed, but fails under CI', () => {
    const saved = process.env.CI;
    try {
      delete process.env.CI;
      expect(mosquittoMissing('embedded', '/nonexistent/mosquitto')).toBeUndefined();
      expect(mosquittoMissing('mosquitto', '/nonexistent/mosquitto')).toMatch(/not installed/);
      process.env.CI = 'true';
      expect(() => mosquittoMissing('mosquitto', '/nonexistent/mosquitto')).toThrow(/must run under CI/);
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  });
});

describe.skipIf(!existsSync(MOSQUITTO))('a throwaway Mosquitto provisioned with the rig’s bus users', () => {
  let broker: ExternalBroker | undefined;
  let rig: Rig | undefined;
  let person: AtmClient | undefined;
  afterEach(async () => {
    await person?.close();
    await rig?.close();
    await broker?.close();
  });

  it('runs a two-ATM rig whose devices, controllers and person all log in to it', async () => {
    broker = await externalBroker('mosquitto', ['atm-1', 'atm-2']);
    rig = await startRig({
      seed: 3,
      clock: 'manual',
      broker: { url: broker.url, hashIterations: BROKER_HASH_ITERATIONS },
      bank: { port: 0, file: broker.bankFile, hashLogN: 10 },
      atms: [{ id: 'atm-1' }, { id: 'atm-2' }],
    });
    expect(rig.broker).toBeUndefined(); // no embedded broker
    person = await AtmClient.connect(broker.url, 'atm-2', rig.bus.simulator);
    await person.until(() => person!.session?.state === 'idle', 'atm-2 to be idle on Mosquitto', 10_000);
  });
});
