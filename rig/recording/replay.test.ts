// Record a seed001 withdrawal on a whole rig, then replay it against a fresh controller: a pass; and a copy
// edited to differ (a key of the PIN changed) stops at the first divergence, with its line and context.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startRig } from '../rig.ts';
import { runDemo } from '../demo.ts';
import { parseRecording } from './format.ts';
import { replay } from './replay.ts';
import { describeDivergence } from './divergence.ts';

let file: string;
let text: string;

beforeAll(async () => {
  file = join(await mkdtemp(join(tmpdir(), 'atm-rig-recording-')), 'run.ndjson');
  const rig = await startRig({
    seed: 11,
    record: file,
    broker: { port: 0, wsPort: null, hashIterations: 10 },
    // The system clock (the demo waits in real time); recording makes the OTP codes come from the seed.
    bank: { port: 0, file: ':memory:', hashLogN: 10 },
    atms: [{ id: 'atm-1', gsm: { deliveryDelayMs: 0 }, dispenser: { dispenseMs: 0 } }],
  });
  try {
    const result = await runDemo(rig, { print: () => {} });
    expect(result.ok).toBe(true);
  } finally {
    await rig.close();
  }
  text = await readFile(file, 'utf8');
}, 60_000);

describe('a recorded seed001 withdrawal', () => {
  it('is NDJSON with a header (seed, contract, ATMs), the bank seeding, and every message on the rig clock', () => {
    const { header, lines } = parseRecording(text, file);
    expect(header).toMatchObject({ recording: 'atm-rig', seed: 11, masked: false, atms: [{ id: 'atm-1', profile: 'seed001' }] });
    expect(lines.some((l) => 'bank' in l)).toBe(true);
    expect(lines.some((l) => 'topic' in l && l.topic === 'atm/atm-1/dispenser/evt/dispensed')).toBe(true);
  });

  it('a recording rig takes its OTP codes from the seed, so the replay can type them', () => {
    expect(parseRecording(text, file).header).toMatchObject({ clock: 'system', deterministicSecrets: true });
  });

  it('--devices-only keeps step with the controller: the run ends as recorded', async () => {
    const seen: { topic: string; payload: unknown }[] = [];
    const result = await replay(parseRecording(text, file), {
      devicesOnly: true,
      onController: (topic, payload) => seen.push({ topic, payload }),
    });
    expect(result.ok).toBe(true);
    const ended = seen.filter((m) => m.topic === 'atm/atm-1/session/evt/ended');
    expect(ended).toEqual([{ topic: 'atm/atm-1/session/evt/ended', payload: expect.objectContaining({ reason: 'completed' }) }]);
  }, 30_000);

  it('replays to a pass against a fresh controller', async () => {
    const result = await replay(parseRecording(text, file));
    expect(result.divergence && describeDivergence(result.divergence, file)).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.played).toBeGreaterThan(10);
    expect(result.checked).toBeGreaterThan(10);
  }, 30_000);

  it('edited to differ (the first PIN digit), stops at the first divergence and says where', async () => {
    const rows = text.split('\n');
    const pinScreen = rows.findIndex((r) => r.includes('"screen":"enter-pin"'));
    const digit = rows.findIndex((r, i) => i > pinScreen && r.includes('keypad/evt/key') && /"key":"\d"/.test(r));
    rows[digit] = rows[digit]!.replace(/"key":"(\d)"/, (_m, d: string) => `"key":"${(Number(d) + 1) % 10}"`);
    const edited = join(file, '..', 'edited.ndjson');
    await writeFile(edited, rows.join('\n'));
    const result = await replay(parseRecording(rows.join('\n'), edited));
    expect(result.ok).toBe(false);
    const report = describeDivergence(result.divergence!, edited);
    // The wrong PIN shows after the ENTER: the session's next state differs from the recording's.
    expect(result.divergence!.line).toBeGreaterThan(digit + 1);
    expect(report).toMatch(/replay diverged at .*edited\.ndjson:\d+/);
    expect(report).toContain('before it, as recorded');
    // The report masks what was typed during the PIN entry.
    expect(report).not.toMatch(/"key":"\d"/);
  }, 30_000);
});
