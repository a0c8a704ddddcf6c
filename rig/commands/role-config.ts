/** The configuration of a role command (bank, broker, atms): the rig's, with `--atms` naming the lab's ATMs. */
import type { RigOptions } from '../cli-args.ts';
import { parseAtmIds } from '../atm-ids.ts';
import { parseRigConfig, type RigConfig } from '../config.ts';
import { configFrom } from './shared.ts';

export interface RoleOptions extends RigOptions {
  atms?: string;
}

/** With `--atms`, every ATM named gets the settings of the first ATM of the config (and of --profile, --device). */
export async function roleConfig(opts: RoleOptions, command: string): Promise<RigConfig> {
  const input = await configFrom(opts, command);
  if (opts.atms !== undefined) {
    const ids = parseAtmIds(opts.atms);
    const template = input.atms?.[0] ?? {};
    input.atms = ids.map((id) => ({ ...template, id }));
  }
  return parseRigConfig(input, opts.config !== undefined ? `${opts.config} with the command line` : 'the command line');
}
