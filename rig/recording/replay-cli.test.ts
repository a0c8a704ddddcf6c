// `atm-rig replay` as a person runs it: the committed all-serial recording, stepped through with Enter, shows what
// the devices said with the typed PIN and OTP masked; warnings come before a replay that cannot reproduce its run.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { replayWarnings } from './replay-warnings.ts';
import type { RecordingHeader } from './format.ts';
import { testHeader } from './testing.ts';

const BIN = fileURLToPath(new URL('../bin.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../features/recordings/seed001-serial-withdrawal.ndjson', import.meta.url));

describe('atm-rig replay --devices-only --step', () => {
  it('prompts with each device message, its line and rig time, and masks what is typed during the PIN and OTP', async () => {
    const child = spawn(process.execPath, [BIN, 'replay', FIXTURE, '--devices-only', '--step'], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // Enter, each time it is asked.
      for (const _ of d.toString().matchAll(/Enter: play it/g)) child.stdin.write('\n');
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, out).toBe(0);
    expect(out).toMatch(/line \d+ \+\d+\.\d{3}s atm\/atm-1\/keypad\/evt\/key \{"key":"ENTER"\}/);
    expect(out).toMatch(/keypad\/evt\/key \{"key":"\*"\}/);
    // The recording holds PIN 1991 and a six-digit OTP: until the menu no digit is shown in clear (the menu choice
    // and the amount after it are no secret, and show, as in every trace).
    const untilMenu = out.slice(0, out.indexOf('session.menu'));
    expect(untilMenu).not.toMatch(/keypad\/evt\/key \{"key":"[0-9]"\}/);
    expect(untilMenu.match(/keypad\/evt\/key \{"key":"\*"\}/g)).toHaveLength(10);
    expect(out).toMatch(/played \d+ device messages/);
  }, 60_000);
});

describe('replay warnings', () => {
  const header = (over: Partial<RecordingHeader>) => testHeader({ clock: 'system', ...over });
  it('warn of random OTP codes and of customers the replay does not have', () => {
    expect(replayWarnings(header({}), undefined)).toEqual([]);
    expect(replayWarnings(header({ deterministicSecrets: false }), undefined)[0]).toMatch(/OTP codes came from the CSPRNG/);
    expect(replayWarnings(header({ customers: 'unknown' }), undefined)[0]).toMatch(/give --data/);
    expect(replayWarnings(header({ customers: 'unknown' }), 'bank.json')).toEqual([]);
  });
});
