/**
 * `npm run bench`'s options, read and checked before anything is measured: a mistake says so at once, with the
 * usage, rather than as a stack trace after minutes of measuring.
 */
import { parseArgs } from 'node:util';
import { nearest } from '../core/suggest.ts';

export const PARTS = ['sessions', 'scale', 'lab', 'fleet', 'bank', 'idle', 'startup'] as const;
export type Part = (typeof PARTS)[number];

export const USAGE = `npm run bench [-- options]   (docs/performance.md)
  --only ${PARTS.join('|')}   one part; the others of reports/bench.json stay
  --sessions N --atms K        the sessions part: N sessions on K ATMs at once (default 50 on 1)
  --atm-counts 1,10,50,200     the scale part's rows
  --lab-atm-counts 1,10,50     the lab part's rows (needs Mosquitto)
  --fleet 1000,100000,10,30    the fleet part: ATMs, customers, sessions a second, seconds
  --customers 200,10000,100000 the bank part's population sizes
  --idle-atms 1000             the idle part's rig size`;

export interface BenchOptions {
  only?: Part;
  sessions: number;
  atms: number;
  customers: number[];
  atmCounts: number[];
  labAtmCounts: number[];
  idleAtms: number;
  fleet: { atms: number; customers: number; rate: number; seconds: number };
}

/** The options, or a message saying what is wrong with them; `help` when the usage was asked for. */
export function benchOptions(args: string[]): BenchOptions | { help: true } | { error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        sessions: { type: 'string', default: '50' },
        atms: { type: 'string', default: '1' },
        customers: { type: 'string', default: '200,10000,100000' },
        'atm-counts': { type: 'string', default: '1,10,50,200' },
        'idle-atms': { type: 'string', default: '1000' },
        'lab-atm-counts': { type: 'string', default: '1,10,50' },
        fleet: { type: 'string', default: '1000,100000,10,30' },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { error: (err as Error).message };
  }
  if (values.help) return { help: true };
  const only = values.only;
  if (only !== undefined && !(PARTS as readonly string[]).includes(only)) {
    const near = nearest(only, PARTS);
    return { error: `--only ${only}: no such part${near ? ` (did you mean ${near}?)` : ''}; the parts: ${PARTS.join(', ')}` };
  }
  const list = (name: string, text: string, example: string, min = 1) => {
    const ns = text.split(',').map(Number);
    if (ns.some((n) => !Number.isInteger(n) || n < min)) throw new Error(`--${name} wants whole numbers such as ${example}, not ${text}`);
    return ns;
  };
  try {
    const [atms, customers, rate, seconds] = list('fleet', values.fleet, '1000,100000,10,30');
    if (seconds === undefined) throw new Error(`--fleet wants ATMs,customers,rate,seconds such as 1000,100000,10,30, not ${values.fleet}`);
    return {
      ...(only !== undefined ? { only: only as Part } : {}),
      sessions: list('sessions', values.sessions, '50')[0]!,
      atms: list('atms', values.atms, '1')[0]!,
      customers: list('customers', values.customers, '200,10000'),
      atmCounts: list('atm-counts', values['atm-counts'], '1,10,50'),
      labAtmCounts: list('lab-atm-counts', values['lab-atm-counts'], '1,10'),
      idleAtms: list('idle-atms', values['idle-atms'], '1000', 2)[0]!,
      fleet: { atms: atms!, customers: customers!, rate: rate!, seconds },
    };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
