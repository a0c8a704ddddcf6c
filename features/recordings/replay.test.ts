// The all-serial seed001 withdrawal, recorded once on the emulators over pty pairs (`@serial` run with
// ATM_RIG_RECORD_DIR; docs/recording.md), replayed with no devices at all: the controller must do as recorded.
// An edited copy must be reported at its first divergence.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseRecording } from '../../rig/recording/format.ts';
import { replay } from '../../rig/recording/replay.ts';
import { describeDivergence } from '../../rig/recording/divergence.ts';

const FILE = new URL('./seed001-serial-withdrawal.ndjson', import.meta.url);
const text = await readFile(FILE, 'utf8');

describe('the recorded all-serial seed001 withdrawal', () => {
  it('was recorded on serial devices, with their bytes', () => {
    const { header, lines } = parseRecording(text, 'seed001-serial-withdrawal.ndjson');
    expect(Object.values(header.atms[0]!.devices).filter((d) => d.startsWith('serial:')).length).toBeGreaterThanOrEqual(5);
    expect(lines.filter((l) => 'serial' in l).length).toBeGreaterThan(100);
  });

  it('replays to a pass with no hardware and no devices', async () => {
    const result = await replay(parseRecording(text, 'seed001-serial-withdrawal.ndjson'));
    expect(result.divergence && describeDivergence(result.divergence, 'seed001-serial-withdrawal.ndjson')).toBeUndefined();
    expect(result).toMatchObject({ ok: true });
    // Commands and events each, and of the screens and states the last before each device message.
    expect(result.checked).toBeGreaterThan(40);
  }, 30_000);

  it('with the dispense turned into a jam, stops at the first controller message that differs', async () => {
    const rows = text.split('\n');
    const at = rows.findIndex((r) => r.includes('"topic":"atm/atm-1/dispenser/evt/dispensed"'));
    const ref = /"ref":"([^"]+)"/.exec(rows[at]!)![1];
    const t = /"t":(\d+)/.exec(rows[at]!)![1];
    rows[at] = JSON.stringify({ t: Number(t), topic: 'atm/atm-1/dispenser/evt/failed', payload: { ref, reason: 'jam' } });
    const result = await replay(parseRecording(rows.join('\n'), 'edited.ndjson'), { waitMs: 1000 });
    expect(result.ok).toBe(false);
    // The recording's next controller message comes after the edited line; the report names it and what came.
    expect(result.divergence!.line).toBeGreaterThan(at + 1);
    const report = describeDivergence(result.divergence!, 'edited.ndjson');
    expect(report).toMatch(/^replay diverged at edited\.ndjson:\d+/);
    expect(report).toContain('before it, as recorded');
  }, 30_000);
  it('with a PIN digit changed, names the event the controller sent instead, not a state it passed through', async () => {
    const rows = text.split('\n');
    const pin = rows.findIndex((r) => r.includes('"screen":"enter-pin"'));
    const digit = rows.findIndex((r, i) => i > pin && r.includes('keypad/evt/key') && /"key":"\d"/.test(r));
    rows[digit] = rows[digit]!.replace(/"key":"(\d)"/, (_m, d: string) => `"key":"${(Number(d) + 1) % 10}"`);
    const result = await replay(parseRecording(rows.join('\n'), 'pin.ndjson'), { waitMs: 1000 });
    expect(describeDivergence(result.divergence!, 'pin.ndjson')).toContain('got       atm/atm-1/session/evt/tier-failed');
  }, 30_000);
});
