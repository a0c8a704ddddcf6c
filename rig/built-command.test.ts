// The command as npm install builds it: sources and packages bundled by esbuild (scripts/build.mjs). A package that
// works from the sources can break only when bundled: `atm-rig up --tls` stopped with "generate is not a function"
// at a first start (selfsigned, a CommonJS package imported on demand, lost its named exports). Built here into a
// folder of its own beside dist/ (its chunks find the packages left outside the bundle, and package.json, as there).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, `.bundle-test-${process.pid}`);

function run(cmd: string[], env: Record<string, string> = {}, until?: RegExp): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, cmd, { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env } });
    let output = '';
    const onData = (d: Buffer) => {
      output += d.toString();
      if (until?.test(output)) child.kill('SIGINT');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const cli = (args: string[], until?: RegExp) =>
  run(
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(join(out, 'cli.js'))}); await m.runCli(process.argv.slice(1));`,
      ...args,
    ],
    {},
    until,
  );

describe('the built command', () => {
  beforeAll(async () => {
    const built = await run(['scripts/build.mjs'], { ATM_RIG_BUILD_DIR: out });
    expect(built.code, built.output).toBe(0);
  }, 120_000);
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('makes its TLS certificate at a first start, and serves mqtts://', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atm-rig-bundle-'));
    try {
      // --tls as a configuration says it, on free ports.
      await writeFile(join(dir, 'rig.json'), JSON.stringify({ broker: { tls: { port: 0, wsPort: 0 } } }));
      const up = await cli(
        [
          'up',
          '--plain',
          '--config',
          join(dir, 'rig.json'),
          '--data',
          join(dir, 'bank.json'),
          '--mqtt-port',
          '0',
          '--ws-port',
          '0',
          '--bank-port',
          '0',
        ],
        /mqtts:\/\/127\.0\.0\.1:\d+/,
      );
      expect(up.output).toMatch(/atm-rig is up/);
      expect(up.output).toMatch(/mqtts:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
