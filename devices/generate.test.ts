// The committed copies of the registry (the Node-RED contract, the device summary in docs/devices.md) are what
// `npm run generate` makes now: a device added to the registry without regenerating fails here.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedFiles, NODE_RED_CONTRACT } from './generate.ts';
import { DEVICES } from './registry.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

describe('files generated from the device registry', () => {
  it('each is current (npm run generate)', async () => {
    for (const [file, text] of Object.entries(await generatedFiles()))
      expect(await readFile(root + file, 'utf8'), `${file}: run npm run generate`).toBe(text);
  });

  it('the Node-RED contract loads as CommonJS and lists every device', () => {
    const contract = createRequire(import.meta.url)(root + NODE_RED_CONTRACT) as { devices: string[]; keys: RegExp; msisdn: RegExp };
    expect(contract.devices).toEqual(DEVICES.map((d) => d.kind));
    expect(contract.keys.test('ENTER')).toBe(true);
    expect(contract.msisdn.test('+260971000001')).toBe(true);
    expect(contract.msisdn.test('260971000001')).toBe(false);
  });
});
