/** Runs bench/idle-atms.ts in a process of its own and reads its one JSON line. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface IdleFigures {
  atms: number;
  upS: number;
  rssMiB: number;
  heapMiB: number;
}

export async function idleAtms(atms: number): Promise<IdleFigures> {
  const script = fileURLToPath(new URL('./idle-atms.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', script, String(atms)], {
    maxBuffer: 1 << 20,
    timeout: 15 * 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as IdleFigures;
}
