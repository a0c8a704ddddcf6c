// Mistakes a user makes with files and options (issue 10, item 16 and 18), through the real CLI: each is refused at
// once, in one line that names where the bad input came from and what is accepted; never a stack trace.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLeftovers, runCliToEnd } from './spawn-cli.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atm-rig-mistakes-'));
});
afterAll(killLeftovers);

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** Exit 1 and one message, with no stack trace in it. */
async function refused(args: string[]): Promise<string> {
  const { code, output } = await runCliToEnd(args);
  expect(code, output).toBe(1);
  expect(output).not.toMatch(/^\s+at /m);
  return output;
}

const FAST = ['--data', ':memory:', '--mqtt-port', '0', '--ws-port', '0', '--bank-port', '0', '--hash-cost', '10'];

describe.concurrent('config and profile files', () => {
  it('a JSON syntax error names the file, line and column', async () => {
    const config = await file('syntax.json', '{\n  "seed": 1,\n  "clock" "manual"\n}\n');
    expect(await refused(['up', '--config', config, ...FAST])).toContain(`${config}:3:11: rig configuration is not valid JSON`);
  });

  it('unknown keys in a config file are errors that name the file and the nearest known key', async () => {
    const config = await file(
      'typos.json',
      JSON.stringify({ brokr: { port: 0 }, atms: [{ id: 'atm-1', devices: { fingerprnt: 'virtual' } }] }),
    );
    const out = await refused(['up', '--config', config, ...FAST]);
    expect(out).toContain(`invalid rig configuration in ${config}`);
    expect(out).toMatch(/unknown key "brokr" \(did you mean "broker"\?\)/);
    expect(out).toMatch(/unknown key "fingerprnt" \(did you mean "fingerprint"\?\)[^\n]*\n\s+→ at atms\[0\]\.devices/);
  });

  it('an unknown key in a profile tier is an error with the nearest known key', async () => {
    const profile = await file(
      'typo-profile.json',
      JSON.stringify({ id: 'typo', name: 'Typo', tiers: [{ kind: 'card' }, { kind: 'password', lenght: 8 }] }),
    );
    const out = await refused(['up', '--profile', profile, ...FAST]);
    expect(out).toContain(`invalid auth profile in ${profile}`);
    expect(out).toMatch(/unknown key "lenght" \(did you mean "length"\?\)[^\n]*\n\s+→ at tiers\[1\]/);
  });
});

describe.concurrent('options', () => {
  it('an unknown option is refused with the nearest real one', async () => {
    expect(await refused(['up', '--brokr', 'mqtt://localhost:1883'])).toMatch(/unknown option --brokr \(did you mean --broker\?\)/);
  });

  it('demo --clock manual is refused at once (the demo waits in real time; it used to wait 15 s, then fail)', async () => {
    expect(await refused(['demo', '--once', '--clock', 'manual', ...FAST])).toMatch(
      /the demo runs in real time: --clock manual is for atm-rig up/,
    );
  });

  it('a fault subcommand typo gets the nearest subcommand and the right help', async () => {
    const { code, output } = await runCliToEnd(['fault', 'lst']);
    expect(code).toBe(2);
    expect(output).toMatch(/unknown command "lst" \(did you mean list\?\); atm-rig fault --help lists its commands/);
    expect(await refused(['fault', 'add', 'x', 'drop', '--bogus'])).toMatch(/atm-rig fault add --help lists its options/);
  });

  it('--device with an unknown kind names the kinds', async () => {
    expect(await refused(['up', '--device', 'finger=serial:/dev/ttyUSB0@57600', ...FAST])).toMatch(
      /--device finger=\S+: no device "finger" \(did you mean "fingerprint"\?\); devices: card, keypad, fingerprint, lcd, gsm, dispenser/,
    );
  });

  it('--device with an unsupported baud rate names the rates', async () => {
    expect(await refused(['up', '--device', 'fingerprint=serial:/dev/ttyUSB0@5760', ...FAST])).toMatch(
      /unsupported baud rate 5760: use one of [\d, ]*57600/,
    );
  });

  it('--broker with another scheme lists the accepted ones', async () => {
    expect(await refused(['up', '--broker', 'http://localhost:1883', ...FAST])).toMatch(
      /--broker http:\/\/localhost:1883: not a broker URL: mqtt:\/\/, mqtts:\/\/, ws:\/\/, wss:\/\/, tcp:\/\//,
    );
  });
});

describe.concurrent('export', () => {
  it('a bank file that does not exist is named as missing, and nothing is created', async () => {
    const missing = join(dir, 'nowhere', 'bank.json');
    expect(await refused(['export', '--data', missing, '--out', join(dir, 'x.csv')])).toContain(`bank file ${missing} does not exist`);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('hierarchies whose levels do not nest are refused', async () => {
    const h = await file('not-nested.json', JSON.stringify({ quasiIdentifiers: { age: { type: 'interval', widths: [20, 5] } } }));
    const out = await refused(['export', '--hierarchies', h, '--data', join(dir, 'none.json')]);
    expect(out).toContain(`invalid hierarchies in ${h}`);
    expect(out).toMatch(/level 2 \(width 5\) does not generalise level 1 \(width 20\)[^\n]*\n\s+→ at quasiIdentifiers\.age\.widths\[1\]/);
  });

  it('a hierarchies file that is not JSON is named, with line and column', async () => {
    const h = await file('broken.json', '{ "quasiIdentifiers": {\n  "age": { "type": "interval", "widths": [5, 10], }\n} }\n');
    expect(await refused(['export', '--hierarchies', h, '--data', join(dir, 'none.json')])).toMatch(
      new RegExp(`${h.replace(/[.]/g, '\\.')}:2:\\d+: hierarchies file is not valid JSON`),
    );
  });
});
