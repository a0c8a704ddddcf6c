/** `atm-rig enrol`: enrol a customer's fingers from a fingerprint module into the bank. */
import type { Command } from 'commander';
import { examples, runs, withOptions, type RigOptions } from '../cli-args.ts';

interface EnrolOptions extends RigOptions {
  sensor: string;
  fingers: string;
  bank?: string;
}

export function defineEnrol(program: Command): void {
  const cmd = program
    .command('enrol')
    .summary("enrol a customer's fingers from a fingerprint module (R307, ZFM, AS608, or the emulator) into the bank")
    .description(
      "Enrol a customer's fingers from a fingerprint module into the bank, as a KYC desk does: each finger is placed twice, " +
        "merged and stored in the module's library, and its model goes to the bank. An ATM whose sensor has `match: module` " +
        "then recognises the customer with the module's own matcher. Writes the bank file (--data) unless --bank names a running bank.",
    )
    .argument('<customer>', 'the customer id, e.g. C0001')
    .requiredOption('--sensor <spec>', 'the module: serial:/dev/ttyUSB0@57600')
    .option('--fingers <list>', 'which fingers, 1-10 (1 right thumb ... 10 left little): 1-10, 2 or 1,2,7', '1-10')
    .option('--bank <url>', 'a running bank (staff account from <data>/staff.json or ATM_RIG_STAFF_USER/ATM_RIG_STAFF_PASSWORD)');
  withOptions(cmd, 'config', 'data', 'hash-cost');
  examples(cmd, [
    ['atm-rig enrol C0001 --sensor serial:/dev/ttyUSB0@57600', "all ten of Alice's fingers, into ./data/bank.json"],
    [
      'atm-rig enrol C0001 --sensor serial:/dev/ttyUSB0@57600 --fingers 2,7 --bank http://127.0.0.1:3000',
      'two fingers, into a running bank',
    ],
  ]);
  cmd.action(
    runs(async (customer: string, opts: EnrolOptions) => {
      const { dirname, join } = await import('node:path');
      const { parseSerialSpec } = await import('../../devices/serial/spec.ts');
      const { enrolCustomer, parseFingers } = await import('../enrol.ts');
      const { fileBank, httpBank, staffCredentials } = await import('../enrol-bank.ts');
      const { configFrom } = await import('./shared.ts');
      const { parseRigConfig } = await import('../config.ts');
      const sensor = parseSerialSpec(opts.sensor);
      const fingers = parseFingers(opts.fingers);
      const config = parseRigConfig(await configFrom(opts, 'enrol'));
      let close = async () => {};
      let bank;
      if (opts.bank) bank = await httpBank(opts.bank, await staffCredentials(join(dirname(config.bank.file), 'staff.json')));
      else {
        const { createBankService } = await import('../bank/index.ts');
        const { DEFAULT_HASH_COST } = await import('../bank/secrets.ts');
        const service = await createBankService({
          file: config.bank.file,
          hashCost: { ...DEFAULT_HASH_COST, logN: config.bank.hashLogN },
          currency: config.bank.currency,
        }).catch((err: Error) => {
          throw err.name === 'FileLockedError' ? new Error(`${err.message} Enrol into the running rig with --bank <its URL>.`) : err;
        });
        bank = fileBank(service);
        close = () => service.close();
      }
      try {
        await enrolCustomer({ sensor, customerId: customer, fingers, bank, say: (line) => console.log(line) });
      } finally {
        await close();
      }
      return 0;
    }),
  );
}
