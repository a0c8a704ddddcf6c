/**
 * Start-up times (`npm run bench`): `atm-rig --help`, and `atm-rig up` from the command to its banner, on a data
 * directory made by a first start (which hashes the bus users' passwords and the demo's secrets: timed apart). Runs
 * rig/bin.js as a user does: the build in dist/ when it is fresh, else the sources through tsx (said in the row).
 */
import { spawn } from 'node:child_process';
import { buildIsFresh } from '../rig/build-freshness.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../rig/bin.js', import.meta.url));

/** ms from spawning the command until its output matches `ready` (then it is stopped), or until it exits. */
function timed(args: string[], ready?: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let at: number | undefined;
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready && at === undefined && ready.test(out)) {
        at = performance.now() - t0;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => {
      if (ready ? at !== undefined : code === 0) resolve(at ?? performance.now() - t0);
      else reject(new Error(`atm-rig ${args.join(' ')} failed (${code}):\n${out}`));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface StartupRow {
  command: string;
  'ms (median of 5)': number;
  build: string;
}

export async function startupBench(): Promise<StartupRow[]> {
  // What rig/bin.js will run: a figure of the sources compiled at each start is not the build's (npm run build).
  const build = buildIsFresh() ? 'dist/' : 'tsx: dist/ missing or stale';
  const dir = await mkdtemp(join(tmpdir(), 'atm-rig-bench-up-'));
  const up = ['up', '--plain', '--data', join(dir, 'bank.json'), '--mqtt-port', '0', '--ws-port', '0', '--bank-port', '0'];
  const banner = /atm-rig is up/;
  try {
    const help: number[] = [];
    for (let i = 0; i < 5; i++) help.push(await timed(['--help']));
    const first = await timed(up, banner);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await timed(up, banner));
    return [
      { command: 'atm-rig --help', 'ms (median of 5)': Math.round(median(help)), build },
      { command: 'atm-rig up, to its banner', 'ms (median of 5)': Math.round(median(warm)), build },
      { command: 'atm-rig up, first start (makes the data)', 'ms (median of 5)': Math.round(first), build: `${build}; one run` },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
