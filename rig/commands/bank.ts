/** `atm-rig bank`: the bank alone, for a lab whose ATMs run on other hosts (docs/roles.md). */
import type { Command } from 'commander';
import { examples, runs, withOptions } from '../cli-args.ts';
import type { RoleOptions } from './role-config.ts';

export function defineBank(program: Command): void {
  const cmd = program
    .command('bank')
    .summary('the bank alone, for ATMs on other hosts: atm-rig bank --atms atm-1..atm-200 --bank-host 0.0.0.0')
    .description(
      "Run the bank alone (a lab's shared bank) and provision the lab's ATMs: each ATM's key to the bank (<data>/atm-keys.json) " +
        'and its bus users (<data>/bus: passwd and acl for Mosquitto or `atm-rig broker`, credentials.json for the ATM hosts). ' +
        "Each ATM host gets only its own ATMs' keys (atm-rig host-keys --atms ... --out <dir>). ATMs log in with their key. " +
        'Ctrl-C stops it; acknowledged operations are on disk.',
    )
    .option('--atms <ids>', "the lab's ATMs: atm-1..atm-200, atm-1,atm-7, or a count (50 = atm-1..atm-50); default atm-1");
  withOptions(cmd, 'config', 'bank-host', 'bank-port', 'data', 'hash-cost', 'seed');
  examples(cmd, [
    ['atm-rig seed --customers 10000 --data lab/bank.sqlite --hash-cost 10', 'first, customers (or atm-rig seed: the demo ones)'],
    [
      'atm-rig bank --data lab/bank.sqlite --hash-cost 10 --atms atm-1..atm-100 --bank-host 0.0.0.0',
      'the bank for 100 ATMs, on every interface',
    ],
  ]);
  cmd.action(
    runs(async (opts: RoleOptions) => {
      const { roleConfig } = await import('./role-config.ts');
      const { startBankRole } = await import('../roles/bank-role.ts');
      const { untilSignal } = await import('./shared.ts');
      const config = await roleConfig(opts, 'bank');
      const bank = await startBankRole(config);
      for (const line of bank.banner) console.log(line);
      await untilSignal();
      await bank.close();
      return 0;
    }),
  );
}
