/** `atm-rig host-keys`: the keys one ATM host needs, out of the lab's keyring (docs/roles.md). */
import type { Command } from 'commander';
import { examples, runs, withOptions } from '../cli-args.ts';
import type { RoleOptions } from './role-config.ts';

interface HostKeysOptions extends RoleOptions {
  out?: string;
}

export function defineHostKeys(program: Command): void {
  const cmd = program
    .command('host-keys')
    .summary('the keys one ATM host needs, and only those: atm-rig host-keys --atms atm-1..atm-50 --out host-a')
    .description(
      "Copy the bus passwords (each device and controller) and bank keys of the named ATMs out of the lab's keyring (beside " +
        '--data, made by atm-rig bank --atms) into a directory of their own (mode 0600), for one ATM host: atm-rig atms --keys <dir>. ' +
        'That host cannot log in as any other ATM, nor as the simulator or observer.',
    )
    .requiredOption('--atms <ids>', "this host's ATMs: atm-1..atm-50, atm-1,atm-7, or a count")
    .requiredOption('--out <dir>', 'the directory to write (bus/credentials.json and atm-keys.json)');
  withOptions(cmd, 'data');
  examples(cmd, [['atm-rig host-keys --data lab/bank.sqlite --atms atm-1..atm-50 --out host-a', "then copy host-a/ to the host's keys/"]]);
  cmd.action(
    runs(async (opts: HostKeysOptions) => {
      const { parseAtmIds } = await import('../atm-ids.ts');
      const { exportHostKeys } = await import('../roles/host-keys.ts');
      const files = await exportHostKeys({ bankFile: opts.data ?? './data/bank.json', atmIds: parseAtmIds(opts.atms!), out: opts.out! });
      console.log(`Written (secrets, mode 0600): ${files.join(', ')}\nOn the ATM host: atm-rig atms --keys <this directory> ...`);
      return 0;
    }),
  );
}
