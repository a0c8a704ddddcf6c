/**
 * The options `atm-rig` accepts, and parsing them so that a mistyped option is refused with the nearest real one
 * (`--brokr` -> `--broker`) instead of node's own message about positionals starting with "-".
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { nearest } from '../core/suggest.ts';

export const CLI_OPTIONS = {
  config: { type: 'string' },
  broker: { type: 'string' },
  'mqtt-port': { type: 'string' },
  'ws-port': { type: 'string' },
  'bank-port': { type: 'string' },
  data: { type: 'string' },
  atm: { type: 'string' },
  profile: { type: 'string' },
  seed: { type: 'string' },
  clock: { type: 'string' },
  'hash-cost': { type: 'string' },
  'insecure-bus': { type: 'boolean' },
  tls: { type: 'boolean' },
  once: { type: 'boolean' },
  k: { type: 'string' },
  suppress: { type: 'string' },
  hierarchies: { type: 'string' },
  out: { type: 'string' },
  device: { type: 'string', multiple: true },
  port: { type: 'string' },
  baud: { type: 'string' },
  plain: { type: 'boolean' },
  dashboard: { type: 'boolean' },
  'dashboard-port': { type: 'string' },
  flows: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parseCli(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: CLI_OPTIONS });
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const given = /'(-[^']*)'/.exec(e.message)?.[1] ?? '';
      const name = given.replace(/^-+/, '').split('=')[0]!;
      const near = nearest(name, Object.keys(CLI_OPTIONS));
      throw new Error(`unknown option ${given}${near ? ` (did you mean --${near}?)` : ''}; atm-rig --help lists every option`);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new Error(`${e.message.replace(/\.$/, '')}; atm-rig --help lists every option`);
    throw err;
  }
}
