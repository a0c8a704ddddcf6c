/**
 * Issue 13's targets beside what the report measured, and, where the machine itself sets a limit, that limit: a
 * session over the rig runs the in-process machine and its bank and more, so it can neither take less CPU nor finish
 * sooner than the in-process machine measured in the same run.
 */
import type { BenchReport, LoadRow } from './bench-report.ts';
import { HASHES_PER_SESSION } from './hash-cost.ts';

export interface TargetRow {
  target: string;
  measured: string;
  'this machine allows': string;
  met: 'yes' | 'no' | 'not measured' | 'in npm test';
}

function judged(target: string, parts: string, figures: (string | undefined)[], allows: string, passes: boolean[]): TargetRow {
  const measured = figures.filter((f): f is string => f !== undefined);
  return {
    target,
    measured: measured.length ? measured.join('; ') : `not measured: npm run bench -- --only ${parts}`,
    'this machine allows': allows,
    met: passes.length === 0 ? 'not measured' : passes.every(Boolean) ? 'yes' : 'no',
  };
}

const labRows = (r: Partial<BenchReport>): LoadRow[] => r.lab?.rows ?? [];
const at = (rows: readonly LoadRow[] | undefined, atms: number) => rows?.find((row) => row.ATMs === atms);

export function targetsOf(r: Partial<BenchReport>): TargetRow[] {
  const scale1 = at(r.scale?.rows, 1);
  const scale50 = at(r.scale?.rows, 50);
  const lab1 = at(labRows(r), 1);
  const lab50 = at(labRows(r), 50);
  const rigRow = r.sessions?.rows.find((row) => row.run.startsWith('rig'));
  const base = r.populationBaseline;
  const cores = r.machine?.cores;

  const cpu = base?.cpuMsPerSession;
  const hashes = r.hashCpuMs === undefined ? undefined : +(HASHES_PER_SESSION * r.hashCpuMs).toFixed(1);
  const hashing = hashes === undefined ? '' : ` (${HASHES_PER_SESSION} scrypt hashes at ${r.hashCpuMs} ms each)`;
  const hashesAlone =
    hashes !== undefined && cores ? `; ${Math.floor((cores * 1000) / hashes)}/s if nothing but the hashes cost anything` : '';
  const throughputLimit =
    cpu && cores
      ? `at most ${Math.floor((cores * 1000) / cpu)}/s: the in-process machine and its bank take ${cpu} ms of CPU a session${hashing}, on ${cores} cores${hashesAlone}`
      : 'unknown: run --only scale';
  const latencyLimit = base
    ? `at least ${base.p50} ms: the in-process machine's median on the same bank${hashes === undefined ? '' : `; its hashes alone take ${hashes} ms one after another`}`
    : 'unknown: run --only scale';

  const withErrors = (row: LoadRow) => (row.errors ? `, ${row.errors} errors` : '');
  const idle = r.idle?.rows.reduce<(typeof r.idle.rows)[number] | undefined>((a, b) => (a && a.ATMs > b.ATMs ? a : b), undefined);
  const startup = (prefix: string) => r.startup?.find((s) => s.command.startsWith(prefix))?.['ms (median of 5)'];
  const help = startup('atm-rig --help');
  const up = startup('atm-rig up, to');
  const bankRows = r.bank?.rows.filter((row) => row.store === 'sqlite') ?? [];

  return [
    judged(
      '>= 500 sessions/s over MQTT + HTTP at 50 ATMs',
      'scale (or lab)',
      [
        scale50 && `${scale50['sessions/s']}/s in one process${withErrors(scale50)}`,
        lab50 && `${lab50['sessions/s']}/s on a lab of processes${withErrors(lab50)}`,
      ],
      throughputLimit,
      [scale50, lab50].filter((x) => x !== undefined).map((row) => row['sessions/s'] >= 500 && row.errors === 0),
    ),
    judged(
      'median <= 10 ms a session at 1 ATM',
      'scale (or lab, sessions)',
      [
        scale1 && `${scale1['p50 ms']} ms in one process`,
        lab1 && `${lab1['p50 ms']} ms on a lab`,
        rigRow && `${rigRow['median ms']} ms on the demo bank`,
      ],
      latencyLimit,
      [scale1?.['p50 ms'], lab1?.['p50 ms'], rigRow?.['median ms']].filter((x) => x !== undefined).map((ms) => ms <= 10),
    ),
    judged(
      'the MQTT path within 3x of the in-process machine (1 ATM)',
      'sessions (or scale, lab)',
      [
        scale1 && `${scale1['x in-process p50']}x in one process`,
        r.sessions && `${r.sessions.ratio.toFixed(1)}x in one process on the demo bank`,
        lab1 && `${lab1['x in-process p50']}x on a lab`,
      ],
      '-',
      [scale1?.['x in-process p50'], r.sessions?.ratio, lab1?.['x in-process p50']].filter((x) => x !== undefined).map((x) => x <= 3),
    ),
    judged(
      "the bank's cost per session at 100,000 customers within 1.5x of at 200",
      'bank',
      [
        r.bank && bankRows.length > 1
          ? `${r.bank.ratio.toFixed(2)}x (${bankRows.at(-1)!.customers} against ${bankRows[0]!.customers})`
          : undefined,
      ],
      '-',
      r.bank && (bankRows.at(-1)?.customers ?? 0) >= 100_000 ? [r.bank.ratio <= 1.5] : [],
    ),
    judged(
      '1,000 idle virtual ATMs under 2 GiB RSS',
      'idle',
      [idle && `${idle['RSS MiB']} MiB at ${idle.ATMs} ATMs`],
      '-',
      idle && idle.ATMs >= 1000 ? [idle['RSS MiB'] < 2048] : [],
    ),
    judged(
      'atm-rig --help under 0.3 s',
      'startup',
      [help !== undefined ? `${help} ms` : undefined],
      '-',
      help !== undefined ? [help < 300] : [],
    ),
    judged(
      'atm-rig up ready in under 1 s',
      'startup',
      [up !== undefined ? `${up} ms to its banner` : undefined],
      '-',
      up !== undefined ? [up < 1000] : [],
    ),
    {
      target: 'a SIGKILL loses no acknowledged operation; every ledger equals its balance',
      measured: 'not a figure: rig/bank/money.test.ts kills a bank on each store mid-burst; the lab test checks the ledgers',
      'this machine allows': '-',
      met: 'in npm test',
    },
  ];
}

/** The targets as lines for a terminal (a table of sentences would be wider than one). */
export function formatTargets(rows: readonly TargetRow[]): string {
  return rows
    .map((t) => {
      const limit = t['this machine allows'] === '-' ? '' : `\n    this machine allows: ${t['this machine allows']}`;
      return `  ${t.met.padEnd(12)} ${t.target}\n    measured: ${t.measured}${limit}`;
    })
    .join('\n');
}
