// `atm-rig broker` on a host that has only the lab's password file (the user review found it made new passwords and
// locked every ATM out): it checks logins against the file's hashes and writes nothing.
import { copyFile, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { prepareBusSecurity } from '../bus/security.ts';
import { parseRigConfig } from '../config.ts';
import { startBrokerRole } from './broker-role.ts';

describe('atm-rig broker with only the lab password file', () => {
  it("lets the lab's users in, refuses others, and makes no passwords of its own", async () => {
    const lab = await mkdtemp(join(tmpdir(), 'atm-rig-lab-bank-'));
    const bus = await prepareBusSecurity(['atm-1', 'atm-2'], lab, { iterations: 10 });
    const host = await mkdtemp(join(tmpdir(), 'atm-rig-lab-broker-'));
    await mkdir(join(host, 'bus'));
    await copyFile(join(lab, 'bus', 'passwd'), join(host, 'bus', 'passwd'));
    const broker = await startBrokerRole(parseRigConfig({ broker: { port: 0, wsPort: null }, bank: { file: join(host, 'bank.sqlite') } }));
    try {
      const login = (username: string, password: string) =>
        mqtt.connectAsync(broker.url, { username, password, reconnectPeriod: 0, connectTimeout: 3000 }).then(
          (c) => c.endAsync().then(() => 'in'),
          (err: Error) => err.message,
        );
      const controller = bus.internal.get('atm-2.controller')!;
      expect(await login(controller.username, controller.password)).toBe('in');
      expect(await login(controller.username, controller.password)).toBe('in'); // again: remembered, still right
      expect(await login(controller.username, 'wrong')).toMatch(/Bad username or password/i);
      expect(await login('atm-3.controller', controller.password)).toMatch(/Bad username or password/i);
      expect(broker.banner.join('\n')).toMatch(/ATMs\s+2: atm-1, atm-2/);
      expect(await readdir(join(host, 'bus'))).toEqual(['passwd']);

      // The bank adds atm-3; the new file copied over, SIGHUP's reload lets it in (a restart was needed: user review).
      const grown = await prepareBusSecurity(['atm-1', 'atm-2', 'atm-3'], lab, { iterations: 10 });
      const third = grown.internal.get('atm-3.controller')!;
      expect(await login(third.username, third.password)).toMatch(/Bad username or password/i);
      await copyFile(join(lab, 'bus', 'passwd'), join(host, 'bus', 'passwd'));
      expect(await broker.reload()).toMatch(/3 ATMs/);
      expect(await login(third.username, third.password)).toBe('in');
      // A broken file is refused and the users stay as they were.
      await writeFile(join(host, 'bus', 'passwd'), 'nobody:$7$x\n');
      await expect(broker.reload()).rejects.toThrow(/has no ATM's users/);
      expect(await login(third.username, third.password)).toBe('in');
    } finally {
      await broker.close();
    }
  });

  it('says where the password file should be when it is missing', async () => {
    const host = await mkdtemp(join(tmpdir(), 'atm-rig-lab-broker-'));
    await expect(startBrokerRole(parseRigConfig({ broker: { port: 0 }, bank: { file: join(host, 'bank.sqlite') } }))).rejects.toThrow(
      /no bus users at .*bus\/passwd: copy bus\/passwd from the bank's host/,
    );
  });
});
