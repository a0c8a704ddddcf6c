/** `atm-rig atms`: some of a lab's ATMs (devices and controllers) against a shared broker and bank (docs/roles.md). */
import type { Command } from 'commander';
import { examples, runs, withOptions } from '../cli-args.ts';
import type { RoleOptions } from './role-config.ts';

interface AtmsOptions extends RoleOptions {
  bank?: string;
  keys?: string;
}

export function defineAtms(program: Command): void {
  const cmd = program
    .command('atms')
    .summary("ATMs against a lab's broker and bank: atm-rig atms --broker mqtt://lab:1883 --bank http://lab:3000 --atms atm-1..atm-50")
    .description(
      "Run the devices and controllers of some of a lab's ATMs (virtual, or real modules with --device or a --config) against a " +
        'broker and a bank elsewhere. Bus passwords and bank keys come from <data>/bus/credentials.json and <data>/atm-keys.json, ' +
        'copied from the bank host (atm-rig bank --atms provisions them). Ctrl-C stops them.',
    )
    .requiredOption('--broker <url>', "the lab's MQTT broker: mqtt://host:1883 (Mosquitto, atm-rig broker, any MQTT 3.1.1/5 broker)")
    .requiredOption('--bank <url>', "the lab's bank: http://host:3000 (atm-rig bank)")
    .option('--atms <ids>', 'the ATMs this host runs: atm-1..atm-50, atm-1,atm-7, or a count (50 = atm-1..atm-50); default atm-1')
    .option(
      '--keys <dir>',
      "this host's keys (atm-rig host-keys --out): <dir>/bus/credentials.json and <dir>/atm-keys.json; default: beside --data",
    );
  withOptions(cmd, 'config', 'data', 'profile', 'device', 'trace-serial', 'seed');
  examples(cmd, [
    ['atm-rig atms --broker mqtt://lab:1883 --bank http://lab:3000 --keys host-a --atms atm-1..atm-50', '50 virtual ATMs'],
    [
      'atm-rig atms --broker mqtt://lab:1883 --bank http://lab:3000 --atms atm-7 --device fingerprint=serial:/dev/ttyUSB0@57600',
      'one ATM with a real R307',
    ],
  ]);
  cmd.action(
    runs(async (opts: AtmsOptions) => {
      const { roleConfig } = await import('./role-config.ts');
      const { startAtmHost } = await import('../roles/atms-role.ts');
      const { untilSignal } = await import('./shared.ts');
      // The bank's routes are at its root: a path would be dropped, and every session would wait at welcome.
      if (!/^https?:\/\/[^/]+\/?$/.test(opts.bank ?? ''))
        throw new Error(`--bank ${opts.bank}: the bank's URL, like http://lab:3000 (no path)`);
      const host = await startAtmHost(await roleConfig(opts, 'atms'), opts.bank!, opts.keys, (line) => console.error(line));
      for (const line of host.banner) console.log(line);
      await untilSignal();
      await host.close();
      return 0;
    }),
  );
}
