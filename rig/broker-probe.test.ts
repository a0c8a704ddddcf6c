// An external broker that is not what --broker promises is reported within seconds (issue 10, item 16): a web
// server on the port, nothing on the port, a Mosquitto that does not know the rig's users.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatPasswd, hashPassword } from './bus/passwd.ts';
import { probeBroker } from './broker-probe.ts';
import { killLeftovers, runCliToEnd } from './spawn-cli.ts';
import { freePort } from '../core/free-port.ts';

const MOSQUITTO = '/usr/sbin/mosquitto';
const cleanup: (() => void)[] = [];
afterAll(() => {
  killLeftovers();
  cleanup.forEach((c) => c());
});

const UP = ['up', '--plain', '--bank-port', '0', '--hash-cost', '10'];

describe.concurrent('the broker probe', () => {
  it('a web server on the --broker port: "did not answer as an MQTT broker", in seconds', async () => {
    const http = createHttpServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    cleanup.push(() => http.close());
    const { port } = http.address() as AddressInfo;
    const started = Date.now();
    const { code, output } = await runCliToEnd([...UP, '--data', ':memory:', '--broker', `mqtt://127.0.0.1:${port}`]);
    expect(code, output).toBe(1);
    expect(output).toContain(`the broker at mqtt://127.0.0.1:${port} did not answer as an MQTT broker`);
    // The point is "not 30 s later" (mqtt.js's own connect timeout): a loaded machine spends seconds starting the CLI.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 25_000);

  it('nothing on the port: "refused the connection"', async () => {
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    await expect(probeBroker(url, { username: 'rig.clock', password: 'x' })).rejects.toThrow(`the broker at ${url} refused the connection`);
  });

  it('a server that accepts and never answers: "did not answer as an MQTT broker" at the deadline, not 30 s later', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanup.push(() => silent.close());
    const url = `mqtt://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    await expect(probeBroker(url, { username: 'rig.clock', password: 'x', timeoutMs: 300 })).rejects.toThrow(
      `the broker at ${url} did not answer as an MQTT broker (no CONNACK within 0.3 s)`,
    );
  });

  it.skipIf(!existsSync(MOSQUITTO))(
    'a Mosquitto without the rig\'s users: "Not authorized", and where the password file and ACL are',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'atm-rig-probe-'));
      const port = await freePort();
      await writeFile(join(dir, 'passwd'), formatPasswd(new Map([['someone', await hashPassword('else', 10)]])));
      await writeFile(
        join(dir, 'mosquitto.conf'),
        [
          `listener ${port} 127.0.0.1`,
          'allow_anonymous false',
          `password_file ${join(dir, 'passwd')}`,
          'persistence false',
          'user root',
          'log_dest stderr',
        ].join('\n') + '\n',
      );
      const broker: ChildProcess = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
      cleanup.push(() => broker.kill());
      await new Promise<void>((resolve) => broker.stderr!.on('data', (d: Buffer) => d.toString().includes('running') && resolve()));
      const data = join(dir, 'data', 'bank.json');
      const { code, output } = await runCliToEnd([...UP, '--data', data, '--broker', `mqtt://127.0.0.1:${port}`]);
      expect(code, output).toBe(1);
      expect(output).toMatch(/refused the rig's user "rig\.clock" \(Connection refused: Not authorized\)/);
      expect(output).toContain(
        `an external broker needs the rig's password file and ACL from ${join(dir, 'data', 'bus')} (docs/security.md`,
      );
    },
    30_000,
  );
});
