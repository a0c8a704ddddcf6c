// Issue 10.20: a failing scenario tells how to replay it where QA engineers look (the console and the JUnit
// report, not only the HTML), and its attachments are named and timed on the rig clock. Runs cucumber-js for real
// on one scenario that fails on purpose, with the project's steps and world.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

describe('a failing scenario', () => {
  it('prints its replay seed on the console and in JUnit, and attaches a named, masked bus trace and recording', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atm-rig-failing-'));
    await writeFile(
      join(dir, 'fails.feature'),
      [
        'Feature: a scenario that fails on purpose',
        '  Scenario: the balance is not what the step says',
        '    Given the demo customers are enrolled',
        '    When Alice starts a session',
        '    And Alice places the requested finger',
        '    And Alice enters her PIN',
        "    Then Alice's balance is 1.00",
        '',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'cucumber.mjs'),
      `export default { import: [${JSON.stringify(join(root, 'features/support/**/*.ts'))}, ${JSON.stringify(join(root, 'features/steps/**/*.ts'))}], paths: [${JSON.stringify(join(dir, 'fails.feature'))}], format: ['summary', 'junit:${join(dir, 'junit.xml')}', 'message:${join(dir, 'messages.ndjson')}'] };\n`,
    );
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'node_modules/@cucumber/cucumber/bin/cucumber.js'),
        '--config',
        relative(root, join(dir, 'cucumber.mjs')),
      ],
      {
        cwd: root,
        env: { ...process.env, ATM_RIG_SEED: '4242', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, out).toBe(1);
    expect(out).toContain('ATM_RIG_SEED=4242');
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<failure[^>]*message="[^"]*ATM_RIG_SEED=4242/);
    const attachments = (await readFile(join(dir, 'messages.ndjson'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { attachment?: { fileName?: string; body: string } })
      .flatMap((m) => (m.attachment?.fileName ? [m.attachment] : []));
    expect(attachments.map((a) => a.fileName)).toEqual([
      'LCD and session',
      'bus trace (rig clock, secrets masked)',
      'recording (NDJSON, rig clock, secrets masked)',
    ]);
    const trace = attachments[1]!.body;
    expect(trace).toMatch(/^\+0\.000s /);
    expect(trace).toContain('atm/atm-1/keypad/sim/press {"key":"ENTER"}');
    // The recording: a masked copy (not replayable), the PIN's keys as "*", the SMS's code masked.
    const recording = attachments[2]!.body.trim().split('\n');
    expect(JSON.parse(recording[0]!)).toMatchObject({ recording: 'atm-rig', masked: true, seed: 4242 });
    expect(recording.some((l) => l.includes('keypad/evt/key') && l.includes('"key":"*"'))).toBe(true);
    expect(recording.filter((l) => /"key":"[0-9]"/.test(l))).toEqual([]);
    expect(recording.some((l) => l.includes('code is ******'))).toBe(true);
    expect(attachments[2]!.body).not.toMatch(/code is \d/);
  }, 60_000);
});
