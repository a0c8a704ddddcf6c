// The committed copies of the registry (the Node-RED contract, the device summary in docs/devices.md) are what
// `npm run generate` makes now: a device added to the registry without regenerating fails here.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedFiles, NODE_RED_CONTRACT } from './generate.ts';
import { DEVICES } from './registry.ts';
import { topics } from './topics.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

describe('files generated from the device registry', () => {
  it('each is current (npm run generate)', async () => {
    for (const [file, text] of Object.entries(await generatedFiles()))
      expect(await readFile(root + file, 'utf8'), `${file}: run npm run generate`).toBe(text);
  });

  it("the Node-RED contract's topic builders build what devices/topics.ts builds", () => {
    const js = createRequire(import.meta.url)(root + NODE_RED_CONTRACT) as { topics: Record<string, unknown> };
    const t = js.topics as {
      [K in 'device' | 'deviceState' | 'sessionState' | 'sessionEvent' | 'phoneInbox']: (...a: string[]) => string;
    } & { phones: string };
    expect(t.device('atm-1', 'keypad', 'sim', 'press')).toBe(topics.device('atm-1', 'keypad', 'sim', 'press'));
    expect(t.deviceState('atm-2', 'lcd')).toBe(topics.deviceState('atm-2', 'lcd'));
    expect(t.sessionState('atm-1')).toBe(topics.sessionState('atm-1'));
    expect(t.sessionEvent('atm-1', '+')).toBe(topics.sessionEvent('atm-1', '+'));
    expect(t.phoneInbox('+260971000001')).toBe(topics.phoneInbox('+260971000001'));
    expect(t.phones).toBe(topics.phones);
  });

  it('the Node-RED contract loads as CommonJS and lists every device', () => {
    const contract = createRequire(import.meta.url)(root + NODE_RED_CONTRACT) as { devices: string[]; keys: RegExp; msisdn: RegExp };
    expect(contract.devices).toEqual(DEVICES.map((d) => d.kind));
    expect(contract.keys.test('ENTER')).toBe(true);
    expect(contract.msisdn.test('+260971000001')).toBe(true);
    expect(contract.msisdn.test('260971000001')).toBe(false);
  });
});
