/**
 * npm run bench [-- --sessions N --atms K --customers 200,10000,100000 --only sessions|bank]
 *
 * One run, one report: seed001 sessions over MQTT + HTTP against the in-process baseline (sessions.bench.ts), the
 * bank's cost per session at each population size on SQLite (bank-cost.ts), and fingerprint identification
 * rates on the largest population (biometrics.ts). Prints the tables and writes reports/bench.json with the
 * machine it ran on. Figures only: no pass/fail thresholds.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { CHEAP_HASH_COST } from '../rig/bank/secrets.ts';
import { bankCosts, openPopulation, type BankCostRow } from './bank-cost.ts';
import { identificationRates, indexMisses, type RateRow } from './biometrics.ts';
import { sessionsBench } from './sessions.bench.ts';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '50' },
    atms: { type: 'string', default: '2' },
    customers: { type: 'string', default: '200,10000,100000' },
    only: { type: 'string' },
  },
});
const sizes = values.customers.split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--customers wants sizes such as 200,10000, not ${values.customers}`);
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
console.log(
  `atm-rig bench on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, scrypt logN ${CHEAP_HASH_COST.logN}\n`,
);

const report: Record<string, unknown> = { date: new Date().toISOString(), machine, scryptLogN: CHEAP_HASH_COST.logN };

if (values.only !== 'bank') {
  const sessions = await sessionsBench(Number(values.sessions), Number(values.atms));
  console.log(`seed001 sessions (device delays 0)`);
  console.table(sessions.rows);
  console.log(`Median session over the bus takes ${sessions.ratio.toFixed(1)}x the in-process baseline.\n`);
  report.sessions = sessions;
}

if (values.only !== 'sessions') {
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

await mkdir('reports', { recursive: true });
await writeFile('reports/bench.json', JSON.stringify(report, null, 2) + '\n');
console.log('Written to reports/bench.json');
process.exit(0);
