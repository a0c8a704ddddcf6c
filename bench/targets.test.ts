import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchReportSchema, previousReport, type BenchReport } from './bench-report.ts';
import { benchReportHtml } from './report-html.ts';
import { targetsOf } from './targets.ts';
import { benchOptions } from './options.ts';

const load = (ATMs: number, perSecond: number, p50: number, x: number, errors = 0) => ({
  ATMs,
  sessions: 60,
  errors,
  'sessions/s': perSecond,
  'p50 ms': p50,
  'p99 ms': p50 * 3,
  'x in-process p50': x,
});

/** A whole report as `npm run bench` writes it (figures of 26 November 2026). */
const REPORT: BenchReport = BenchReportSchema.parse({
  date: '2026-11-26T11:19:42.016Z',
  machine: { cpu: 'AMD EPYC', cores: 2, memoryGiB: 24, node: 'v20.20.2' },
  scryptLogN: 10,
  hashCpuMs: 2.6,
  sessions: {
    rows: [
      { run: 'in-process baseline (no MQTT, no HTTP)', sessions: 50, 'sessions/s': 41, 'median ms': 22.7 },
      { run: 'rig over MQTT + HTTP (1 ATM)', sessions: 50, 'sessions/s': 15.5, 'median ms': 58.6 },
    ],
    ratio: 2.58,
  },
  populationBaseline: { p50: 20.5, sessions: 60, cpuMsPerSession: 19.8 },
  scale: { rows: [load(1, 18, 50, 2.4), load(50, 21.8, 2168, 84)], inProcessP50: 20.5 },
  lab: { rows: [load(1, 14.2, 58.7, 2.9), load(50, 27.2, 1654, 70)], inProcessP50: 20.5 },
  idle: {
    rows: [
      { ATMs: 1, 'RSS MiB': 161 },
      { ATMs: 1000, 'RSS MiB': 587 },
    ],
    perAtmMiB: 0.43,
  },
  startup: [
    { command: 'atm-rig --help', 'ms (median of 5)': 191 },
    { command: 'atm-rig up, to its banner', 'ms (median of 5)': 893 },
    { command: 'atm-rig up, first start (makes the data)', 'ms (median of 5)': 1319 },
  ],
  bank: {
    rows: [
      { customers: 200, store: 'sqlite', 'session ms p50': 12.9 },
      { customers: 100_000, store: 'sqlite', 'session ms p50': 13.2 },
      { customers: 200, store: 'json', 'session ms p50': 148 },
    ],
    ratio: 1.02,
  },
});

const byTarget = (r: Partial<BenchReport>) => Object.fromEntries(targetsOf(r).map((t) => [t.target, t]));
const RATE = '>= 500 sessions/s over MQTT + HTTP at 50 ATMs';
const MEDIAN = 'median <= 10 ms a session at 1 ATM';
const ONE_PROCESS = 'the MQTT path within 3x of the in-process machine, 1 ATM, in one process';
const LAB = 'the MQTT path within 3x of the in-process machine, 1 ATM, on a lab of processes';
const BANK = "the bank's cost per session at 100,000 customers within 1.5x of at 200";

describe("the bench's targets", () => {
  it('judges each target on every figure the report has, with what the hashes and this code allow', () => {
    const t = targetsOf(REPORT);
    expect(t.map((row) => row.met)).toEqual(['no', 'no', 'yes', 'yes', 'yes', 'yes', 'yes', 'yes', 'in npm test']);
    expect(t[0]!.measured).toBe('21.8/s in one process; 27.2/s on a lab of processes');
    // 2 cores: three hashes of 2.6 ms leave at most 256 sessions a second, whatever else a session did.
    expect(t[0]!['the hashes allow']).toBe('at most 256/s: 3 hashes of 2.6 ms of CPU at best each, on 2 cores');
    expect(t[0]!['this code in process']).toBe('at most 101/s: 19.8 ms of CPU a session, one at a time, on 2 cores');
    expect(t[1]!['the hashes allow']).toBe("at least 5.2 ms: the PIN's and the OTP check's hashes, 2.6 ms at best each");
    expect(t[1]!['this code in process']).toBe('at least 20.5 ms: its median on the same bank');
    // Ratios from the medians, unrounded: 50 / 20.5.
    expect(t[2]!.measured).toBe('2.44x on the population; 2.58x on the demo bank');
    expect(t[3]!.measured).toBe('2.86x Mosquitto, a bank, an ATM host and the load, each a process');
    expect(t[4]!.measured).toBe('1.02x (13.2 against 12.9 ms)');
  });

  it('fails a target on its worst figure, judged unrounded, and a rate with errors', () => {
    // 3.04x shows as 3.0 in a rounded column: still over 3.
    const lab = { rows: [load(1, 14, 62.3, 3.0), load(50, 600, 9, 1, 3)], inProcessP50: 20.5 };
    expect(byTarget({ ...REPORT, lab })[LAB]!.met).toBe('no');
    const fast = { rows: [load(50, 600, 9, 1)], inProcessP50: 20.5 };
    expect(byTarget({ ...REPORT, scale: fast, lab })[RATE]!.met).toBe('no');
    expect(byTarget({ ...REPORT, scale: fast, lab: fast })[RATE]!.met).toBe('yes');
  });

  it('does not judge a median or a ratio from sessions that failed, nor a sessions part of several ATMs', () => {
    // Every session failed: a median of none is 0 ms, which would have met both.
    const failed = { rows: [load(1, 0, 0, 0, 60)], inProcessP50: 20.5 };
    const t = byTarget({ ...REPORT, scale: failed, lab: failed, sessions: undefined });
    expect(t[MEDIAN]!.met).toBe('not measured');
    expect(t[ONE_PROCESS]!.met).toBe('not measured');
    const three = { ...REPORT.sessions!, atms: 3, ratio: 7.4 };
    expect(byTarget({ ...REPORT, sessions: three })[ONE_PROCESS]!.measured).toBe('2.44x on the population');
  });

  it('says what was not measured, and which part measures it, rather than judging', () => {
    const t = targetsOf({ machine: REPORT.machine, lab: { skipped: 'Mosquitto is not installed' } });
    expect(t.slice(0, 8).every((row) => row.met === 'not measured')).toBe(true);
    expect(t[0]!.measured).toBe('not measured: npm run bench -- --only scale (or lab)');
    // An idle run of fewer ATMs, or a bank part without both 200 and 100,000 customers, does not answer the target.
    const sqlite = (customers: number, ms: number) => ({ customers, store: 'sqlite' as const, 'session ms p50': ms });
    const partial = byTarget({
      idle: { rows: [{ ATMs: 500, 'RSS MiB': 300 }], perAtmMiB: 0.4 },
      bank: { rows: [sqlite(10_000, 12.8), sqlite(100_000, 13)], ratio: 1.01 },
    });
    expect(partial['1,000 idle virtual ATMs under 2 GiB RSS']!.met).toBe('not measured');
    expect(partial[BANK]!.met).toBe('not measured');
    expect(byTarget({ bank: { rows: [sqlite(100_000, 13)], ratio: 1 } })[BANK]!.met).toBe('not measured');
  });

  it('draws the HTML report with the targets, the load rows and the parts kept from earlier runs, escaping what it quotes', () => {
    const r = {
      ...REPORT,
      machine: { ...REPORT.machine!, cpu: '<script>x</script>' },
      dates: { scale: REPORT.date, sessions: '2026-11-25T08:27:00.000Z' },
    };
    const html = benchReportHtml(r, targetsOf(REPORT));
    expect(html).toContain('<tr class="no">');
    expect(html).toContain('Sessions per second by ATMs');
    expect(html).toContain('Kept from earlier runs:</strong> sessions (2026-11-25T08:27:00.000Z)');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
  });
});

describe('reading the last report back (npm run bench -- --only <part>)', () => {
  it('keeps the parts it can read, leaves out one it cannot, and copies aside a file that is not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
    const file = join(dir, 'bench.json');
    const warnings: string[] = [];
    const warn = (line: string) => warnings.push(line);
    expect(await previousReport(join(dir, 'none.json'), warn)).toEqual({});
    await writeFile(file, JSON.stringify(REPORT));
    expect((await previousReport(file, warn)).bank?.ratio).toBe(1.02);
    // One part of an older shape (the bank's store once read "SQLite"): that part goes, the others stay.
    const older = { ...REPORT, bank: { ...REPORT.bank, rows: [{ customers: 200, store: 'SQLite', 'session ms p50': 12.9 }] } };
    await writeFile(file, JSON.stringify(older));
    const kept = await previousReport(file, warn);
    expect(kept.bank).toBeUndefined();
    expect(kept.scale?.rows).toHaveLength(2);
    const broken = '{"date": "2026-11-26", "machine"';
    await writeFile(file, broken);
    expect(await previousReport(file, warn)).toEqual({});
    expect(await readFile(`${file}.unreadable`, 'utf8')).toBe(broken);
    expect(warnings).toEqual([
      expect.stringMatching(/bench\.json: its bank part is left out \(bank\.rows\.0\.store: .+\)$/),
      expect.stringMatching(/bench\.json: not JSON \(.+\); copied to .+bench\.json\.unreadable, and no part of it is kept$/),
    ]);
  });
});

describe("the bench's options", () => {
  it('says what is wrong with an option before anything is measured', () => {
    expect(benchOptions(['--atm-counts', '1,x'])).toEqual({ error: '--atm-counts wants whole numbers such as 1,10,50, not 1,x' });
    expect(benchOptions(['--only', 'flet'])).toEqual({
      error: '--only flet: no such part (did you mean fleet?); the parts: sessions, scale, lab, fleet, bank, idle, startup',
    });
    expect(benchOptions(['--fleet', '1000,100000'])).toMatchObject({
      error: expect.stringMatching(/^--fleet wants ATMs,customers,rate,seconds/),
    });
    expect(benchOptions(['--idle-atms', '1'])).toMatchObject({ error: expect.stringMatching(/^--idle-atms/) });
    expect(benchOptions([])).toMatchObject({
      atmCounts: [1, 10, 50, 200],
      fleet: { atms: 1000, customers: 100_000, rate: 10, seconds: 30 },
    });
  });
});
