// The command as npm install builds it: sources and packages bundled by esbuild (scripts/build.mjs). A package that
// works from the sources can break only when bundled: `atm-rig up --tls` stopped with "generate is not a function"
// at a first start (selfsigned, a CommonJS package imported on demand, lost its named exports). Built here into a
// folder of its own beside dist/ (its chunks find the packages left outside the bundle, and package.json, as there).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliToEnd, spawnCli } from './spawn-cli.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, `.bundle-test-${process.pid}`);

/** The built command run to the end, or stopped (SIGINT, as Ctrl-C) once its output shows `until`. */
async function cli(args: string[], until?: RegExp): Promise<{ code: number | null; output: string }> {
  const entry = [
    '--input-type=module',
    '-e',
    `const m = await import(${JSON.stringify(join(out, 'cli.js'))}); await m.runCli(process.argv.slice(1));`,
  ];
  if (!until) return runCliToEnd(args, { cwd: root, entry });
  const run = spawnCli(args, { cwd: root, entry });
  await run.until(until, 60_000).finally(() => run.child.kill('SIGINT'));
  return { code: await run.exit, output: run.output() };
}

describe('the built command', () => {
  beforeAll(async () => {
    const built = await runCliToEnd([], { cwd: root, entry: ['scripts/build.mjs'], env: { ATM_RIG_BUILD_DIR: out } });
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
