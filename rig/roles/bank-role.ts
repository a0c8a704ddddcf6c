/**
 * The bank as a role of its own (`atm-rig bank`): the bank's HTTP API, and the lab's provisioning (each ATM's bank key
 * and bus users) in the data directory, where the broker and the ATM hosts find them (docs/roles.md).
 */
import { onlyHere, summarise } from './banner.ts';
import { dirname } from 'node:path';
import { freshSeed } from '../../core/random.ts';
import { startBank } from '../bank/index.ts';
import { atmKeysFileOf } from '../bank/atm-keys.ts';
import { prepareBusSecurity } from '../bus/security.ts';
import { bankSettings, type RigConfig } from '../config.ts';
import { namePortClash } from '../port-clash.ts';
import { paint } from '../ui.ts';

export interface RunningBankRole {
  url: string;
  banner: string[];
  close(): Promise<void>;
}

export async function startBankRole(config: RigConfig): Promise<RunningBankRole> {
  const file = config.bank.file;
  if (file === ':memory:') throw new Error('--data :memory: keeps nothing: the ATM hosts read their keys from the data directory');
  const ids = config.atms.map((a) => a.id);
  // The bus users first: the broker may start from these files while the bank comes up.
  const bus = await prepareBusSecurity(ids, dirname(file), { iterations: config.broker.hashIterations });
  const bank = await startBank({
    ...bankSettings(config.bank, config.seed ?? freshSeed()),
    deterministicSecrets: config.bank.deterministicSecrets,
  }).catch((err: unknown) => {
    throw namePortClash(err, config.bank.port, '--bank-port / bank.port');
  });
  try {
    const released = await bank.service.releaseHoldsLeftByACrash();
    const replaced: string[] = [];
    await bank.provisionAtms(ids, { replaced: (r) => replaced.push(...r) });
    const customers = bank.service.records.customerCount();
    const host = config.bank.host;
    const banner = [
      paint('bold', 'atm-rig bank is up'),
      `  bank        ${bank.url}   (OpenAPI: ${bank.url}/openapi.json, data: ${file}, ${customers.toLocaleString('en')} customers)`,
      `  ATMs        ${ids.length} may log in: ${summarise(ids)}`,
      `  ATM keys    ${atmKeysFileOf(file)}   (secret, mode 0600; each ATM host gets its own: atm-rig host-keys --atms ... --out <dir>)`,
      ...(replaced.length
        ? [
            paint(
              'yellow',
              `              made anew for ${summarise(replaced)}: the kept key no longer matched the bank (hand out new host keys)`,
            ),
          ]
        : []),
      `  bus users   ${bus.dir}/passwd and acl (Mosquitto's password_file and acl_file; atm-rig broker reads them too)`,
      `              ${bus.dir}/credentials.json   (the lab's keyring: secret, mode 0600; atm-rig host-keys and atm-rig load read it)`,
      ...onlyHere(host, '--bank-host'),
      ...(released.length ? [paint('yellow', `  holds       released ${released.length} left open when the bank last stopped`)] : []),
      ...(customers === 0
        ? [paint('yellow', '  customers   none yet: atm-rig seed (the demo ones) or atm-rig seed --customers N, bank stopped')]
        : []),
      'ready',
    ];
    return { url: bank.url, banner, close: () => bank.close() };
  } catch (err) {
    await bank.close();
    throw err;
  }
}
