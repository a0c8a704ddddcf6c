// `atm-rig fault` against a running rig, as a user types it: the CLI process, the rig's broker, the keyring on disk.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type Rig } from '../rig.ts';
import { killLeftovers, runCliToEnd } from '../spawn-cli.ts';

let rig: Rig;
let data: string;
let port: string;

beforeAll(async () => {
  data = join(await mkdtemp(join(tmpdir(), 'atm-rig-fault-cli-')), 'bank.json');
  rig = await startRig({
    broker: { port: 0, wsPort: null, hashIterations: 10 },
    bank: { port: 0, file: data, hashLogN: 10 },
    atms: [{ id: 'atm-1' }, { id: 'atm-2' }],
  });
  port = new URL(rig.brokerUrl).port;
});
afterAll(async () => {
  killLeftovers();
  await rig.close();
});

const fault = (...args: string[]) => runCliToEnd(['fault', ...args, '--data', data, '--mqtt-port', port]);

describe('atm-rig fault', () => {
  it('adds, lists and clears rules on a running rig', async () => {
    expect(await fault('add', 'atm/+/keypad/evt/#', 'drop', '30%', '--id', 'keys')).toMatchObject({ code: 0 });
    expect((await fault('add', 'bank:atm-2', 'partition')).output).toContain('added: f1 bank for atm-2 partition');
    expect(rig.faults.rules.map((r) => r.id)).toEqual(['keys', 'f1']);
    const list = await fault('list');
    expect(list.output).toContain('keys atm/+/keypad/evt/# drop 30%  applied 0×');
    expect(await fault('clear', 'keys')).toMatchObject({ code: 0 });
    expect(rig.faults.rules.map((r) => r.id)).toEqual(['f1']);
  }, 60_000);

  it('says so, with exit 1, for a rule the rig refuses and for an id it does not have', async () => {
    const refused = await fault('add', 'bank:atm-9', 'partition');
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/bank:atm-9 matches no ATM of this rig/);
    const missing = await fault('clear', 'nosuch');
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/no fault called nosuch \(faults: /);
  }, 60_000);

  it('refuses --mqtt-port 0, which names no running broker', async () => {
    const run = await runCliToEnd(['fault', 'list', '--data', data, '--mqtt-port', '0']);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/give the port the rig's banner shows/);
  });
});
