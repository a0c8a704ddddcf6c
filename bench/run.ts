/**
 * npm run bench [-- --sessions N --atms K --customers 200,10000,100000 --atm-counts 1,10,50,200 --idle-atms 1000
 *                    --lab-atm-counts 1,10,50 --only sessions|scale|lab|bank|idle|startup --help]
 *
 * One run, one report: seed001 sessions over MQTT + HTTP against the in-process baseline (sessions.bench.ts), the
 * same at 1, 10, 50 and 200 ATMs on a population (scale.bench.ts), and on a lab of separate processes with Mosquitto
 * (lab.bench.ts), the bank's cost per session at each population
 * size on SQLite (bank-cost.ts), fingerprint identification rates on the largest population (biometrics.ts), the
 * memory of idle ATMs (idle-atms.ts) and start-up times (startup.ts). Prints the tables and writes reports/bench.json with the
 * machine it ran on. Figures only: no pass/fail thresholds.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { CHEAP_HASH_COST } from '../rig/bank/secrets.ts';
import { benchOptions, USAGE, type Part } from './options.ts';
import { bankCosts, openPopulation, type BankCostRow } from './bank-cost.ts';
import { identificationRates, indexMisses, type RateRow } from './biometrics.ts';
import { sessionsBench } from './sessions.bench.ts';
import { populationBaseline, scaleBench } from './scale.bench.ts';
import { startupBench } from './startup.ts';
import { labBench, labMissing } from './lab.bench.ts';
import { idleAtms } from './idle-child.ts';
import { BenchReportSchema, olderParts, previousReport, REPORT_FILE } from './bench-report.ts';
import { hashCpuMs } from './hash-cost.ts';
import { formatTargets, targetsOf } from './targets.ts';
import { fleetBench } from './fleet.bench.ts';
import { benchReportHtml } from './report-html.ts';

const options = benchOptions(process.argv.slice(2));
if ('help' in options) {
  console.log(USAGE);
  process.exit(0);
}
if ('error' in options) {
  console.error(`${options.error}\n\n${USAGE}`);
  process.exit(2);
}
const sizes = options.customers;
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
console.log(
  `atm-rig bench on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, scrypt logN ${CHEAP_HASH_COST.logN}\n`,
);

// A part run alone (--only) updates its part of the last report: read it now, not after minutes of measuring.
const previous = options.only ? await previousReport() : {};
const report: Record<string, unknown> = { date: new Date().toISOString(), machine, scryptLogN: CHEAP_HASH_COST.logN };

const runs = (part: Part) => options.only === undefined || options.only === part;
if (runs('sessions')) {
  const sessions = await sessionsBench(options.sessions, options.atms);
  console.log(`seed001 sessions (device delays 0)`);
  console.table(sessions.rows);
  console.log(`Median session over the bus takes ${sessions.ratio.toFixed(1)}x the in-process baseline.\n`);
  report.sessions = sessions;
}

// The rows on the population (scale, lab) are compared with the in-process machine on the same population's bank.
let populationP50: number | undefined;
if (runs('scale') || runs('lab')) {
  const baseline = await populationBaseline();
  populationP50 = baseline.p50;
  console.log(`In-process baseline on the 10,000-customer population (SQLite): ${baseline.sessions} sessions, median ${baseline.p50} ms\n`);
  report.populationBaseline = baseline;
  report.hashCpuMs = hashCpuMs();
}

if (runs('scale')) {
  const counts = options.atmCounts;
  console.log(`seed001 sessions at ${counts.join(', ')} ATMs, one customer each, on 10,000 customers (what atm-rig load runs)`);
  const rows = await scaleBench(counts, populationP50!, (row) => console.error(`  ${row.ATMs} ATMs: ${row['sessions/s']} sessions/s`));
  console.table(rows);
  console.log(`"x in-process p50": each row's median over the in-process baseline's on the same population (${populationP50} ms).\n`);
  report.scale = { rows, inProcessP50: populationP50 };
}

if (runs('lab')) {
  const counts = options.labAtmCounts;
  const missing = labMissing();
  if (missing) {
    console.log(`A lab on separate processes: left out, ${missing}\n`);
    report.lab = { skipped: missing };
  } else {
    console.log(`The same on a lab of processes (Mosquitto, atm-rig bank, two atm-rig atms hosts, the load), at ${counts.join(', ')} ATMs`);
    const rows = await labBench(counts, populationP50!, (row) => console.error(`  ${row.ATMs} ATMs: ${row['sessions/s']} sessions/s`));
    console.table(rows);
    console.log('');
    report.lab = { rows, inProcessP50: populationP50 };
  }
}

if (runs('fleet')) {
  const o = options.fleet;
  console.log(`A fleet: ${o.atms} ATMs on ${o.customers} customers, ${o.rate} sessions a second for ${o.seconds} s (atm-rig load --rate)`);
  const row = await fleetBench(o);
  console.table([row]);
  console.log('');
  report.fleet = { rows: [row] };
}

if (runs('idle')) {
  const n = options.idleAtms;
  const one = await idleAtms(1);
  const many = await idleAtms(n);
  const perAtm = (many.rssMiB - one.rssMiB) / (n - 1);
  const rows = [one, many].map((r) => ({
    ATMs: r.atms,
    'RSS MiB': Math.round(r.rssMiB),
    'heap MiB': Math.round(r.heapMiB),
    'up s': +r.upS.toFixed(1),
  }));
  console.log(`Idle virtual ATMs on one rig (every device and controller connected)`);
  console.table(rows);
  console.log(`RSS per idle ATM: ${perAtm.toFixed(2)} MiB (${Math.round(many.rssMiB)} MiB at ${n}).\n`);
  report.idle = { rows, perAtmMiB: perAtm };
}

if (runs('startup')) {
  const rows = await startupBench();
  console.log('Start-up');
  console.table(rows);
  report.startup = rows;
}

if (runs('bank')) {
  const populations = [];
  for (const n of sizes) populations.push(await openPopulation(n));
  // The JSON store at the smallest size beside them, for reference: every write rewrites its file.
  populations.push(await openPopulation(sizes[0]!, 'json'));
  const rows = await bankCosts(populations);
  const largest = populations[sizes.length - 1]!;
  // The index's misses against a scan on a middle-sized population (a scan of a million templates takes long).
  const middle = populations.find((p) => p.customers === 10_000) ?? largest;
  const rates: RateRow[] = [...identificationRates(largest.bank, largest.credentials), indexMisses(middle.bank, middle.credentials)];
  for (const p of populations) await p.bank.close();
  console.log('The bank per cardless seed001 session (1:N finger, PIN, OTP issued and checked, withdrawal)');
  console.table(rows);
  const cost = (r: BankCostRow) => r['session ms p50'];
  const ratio = cost(rows[sizes.length - 1]!) / cost(rows[0]!);
  console.log(`Session cost at ${sizes.at(-1)} customers: ${ratio.toFixed(2)}x the cost at ${sizes[0]} (SQLite).\n`);
  console.log('Fingerprint identification 1:N (FNMR: enrolled finger not identified; FMR: identified as someone else)');
  console.table(rates);
  report.bank = { rows, ratio };
  report.fingerprint = rates;
}

// Each part measured now is dated now; a part kept from an earlier run keeps its date (and the report says so).
const measured = Object.keys(report).filter((k) => !['date', 'machine', 'scryptLogN'].includes(k));
report.dates = { ...previous.dates, ...Object.fromEntries(measured.map((k) => [k, report.date as string])) };
const merged = { ...previous, ...report };
await mkdir('reports', { recursive: true });
// Checked as a later --only run will read it; a report this run wrote wrong is still saved, with the reason.
const checked = BenchReportSchema.safeParse(merged);
if (!checked.success) {
  await writeFile(REPORT_FILE, JSON.stringify(merged, null, 2) + '\n');
  throw new Error(`bench: this run's report does not have its own shape (saved all the same): ${checked.error.message}`);
}
const targets = targetsOf(checked.data);
console.log(
  `Targets of issue 13 (met, target, figures; docs/performance.md says why some cannot be met here)\n${formatTargets(targets)}\n`,
);
const older = olderParts(checked.data);
if (older.length) console.log(`Kept from earlier runs: ${older.map((o) => `${o.part} (${o.date})`).join(', ')}\n`);
await writeFile(REPORT_FILE, JSON.stringify({ ...merged, targets }, null, 2) + '\n');
// The page from the report as written: its columns in the order the parts wrote them.
await writeFile('reports/bench.html', benchReportHtml(merged, targets));
console.log(`Written to ${REPORT_FILE} and reports/bench.html`);
process.exit(0);
