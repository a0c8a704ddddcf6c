// docs/security.md, "An external Mosquitto", followed to the letter: the rig's files, the permission commands of the
// page, the page's mosquitto.conf, and a real Mosquitto started as root (it drops to the mosquitto user) and as the
// mosquitto user. Both must load the files and let the rig's users in. Needs root (to be both) and Mosquitto.
import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { prepareBusSecurity } from '../rig/bus/security.ts';
import { freePort } from '../core/free-port.ts';

const MOSQUITTO = '/usr/sbin/mosquitto';
const canRun = existsSync(MOSQUITTO) && process.getuid?.() === 0 && hasUser('mosquitto');

function hasUser(name: string): boolean {
  try {
    execFileSync('id', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}


/** The subsection's code blocks: the mosquitto.conf and the shell commands. */
async function recipe(): Promise<{ conf: string; commands: string }> {
  const md = await readFile(new URL('./security.md', import.meta.url), 'utf8');
  const section = md.split(/^### /m).find((s) => s.startsWith('An external Mosquitto')) ?? '';
  const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)];
  return { conf: blocks.find((b) => b[2]!.includes('password_file'))?.[2] ?? '', commands: blocks.find((b) => b[1] === 'sh')?.[2] ?? '' };
}

/** Start Mosquitto; resolves with its log once it runs, rejects with its log if it stops. */
function startMosquitto(argv: string[]): Promise<{ log: string; stop(): void }> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (/ running/.test(log)) resolve({ log, stop: () => child.kill() });
    });
    child.on('exit', () => reject(new Error(`mosquitto stopped:\n${log}`)));
  });
}

describe.skipIf(!canRun)('docs/security.md: an external Mosquitto', () => {
  it('with the page\'s permissions, Mosquitto reads the rig\'s files started as root and as the mosquitto user', async () => {
    const { conf, commands } = await recipe();
    expect(conf).toContain('password_file /path/to/data/bus/passwd');
    // A data directory where the rig would have it; mkdtemp makes it 0700, which the page says will not do.
    const root = await mkdtemp('/tmp/atm-rig-recipe-');
    await chmod(root, 0o755);
    const bus = await prepareBusSecurity(['atm-1'], join(root, 'data'), { iterations: 10 });
    execFileSync('sh', ['-e', '-c', commands], { cwd: root });
    for (const as of ['root', 'mosquitto']) {
      const port = await freePort();
      const file = join(root, `mosquitto-${as}.conf`);
      await writeFile(file, conf.replaceAll('/path/to/data', join(root, 'data')).replace('listener 1883', `listener ${port}`));
      const broker = await startMosquitto(as === 'root' ? [MOSQUITTO, '-c', file] : ['runuser', '-u', 'mosquitto', '--', MOSQUITTO, '-c', file]);
      try {
        const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { ...bus.observer, reconnectPeriod: 0, connectTimeout: 2000 });
        await client.endAsync();
      } finally {
        broker.stop();
      }
    }
  });
});
