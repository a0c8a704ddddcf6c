import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchReportSchema, previousReport, type BenchReport } from './bench-report.ts';
import { benchReportHtml } from './report-html.ts';
import { targetsOf } from './targets.ts';

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
  lab: { rows: [load(1, 14.2, 58.7, 2.9), load(50, 27.2, 1654, 70)] },
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

const byTarget = (r: Partial<BenchReport>) =>
  Object.fromEntries(targetsOf(r).map((t) => [t.target.split(' ')[0] === '>=' ? 'rate' : t.target, t]));

describe("the bench's targets", () => {
  it('judges each target on every figure the report has, and names the limit the machine sets', () => {
    const t = targetsOf(REPORT);
    expect(t.map((row) => row.met)).toEqual(['no', 'no', 'yes', 'yes', 'yes', 'yes', 'yes', 'in npm test']);
    expect(t[0]!.measured).toBe('21.8/s in one process; 27.2/s on a lab of processes');
    // 2 cores and 19.8 ms of CPU a session: at most 101 sessions a second, however the messages travel.
    expect(t[0]!['this machine allows']).toBe(
      'at most 101/s: the in-process machine and its bank take 19.8 ms of CPU a session (3 scrypt hashes at 2.6 ms each), on 2 cores; 256/s if nothing but the hashes cost anything',
    );
    expect(t[1]!['this machine allows']).toBe(
      "at least 20.5 ms: the in-process machine's median on the same bank; its hashes alone take 7.8 ms one after another",
    );
    expect(t[2]!.measured).toBe('2.4x in one process; 2.6x in one process on the demo bank; 2.9x on a lab');
  });

  it('fails a target on its worst figure, and a rate with errors', () => {
    const lab = { rows: [load(1, 14, 70.3, 3.1), load(50, 600, 9, 1, 3)] };
    const t = byTarget({ ...REPORT, lab });
    expect(t['the MQTT path within 3x of the in-process machine (1 ATM)']!.met).toBe('no');
    const fast = { rows: [load(50, 600, 9, 1)] };
    expect(byTarget({ ...REPORT, scale: fast, lab }).rate!.met).toBe('no');
    expect(byTarget({ ...REPORT, scale: fast, lab: fast }).rate!.met).toBe('yes');
  });

  it('says what was not measured, and which part measures it, rather than judging', () => {
    const t = targetsOf({ machine: REPORT.machine, lab: { skipped: 'Mosquitto is not installed' } });
    expect(t.slice(0, 7).every((row) => row.met === 'not measured')).toBe(true);
    expect(t[0]!.measured).toBe('not measured: npm run bench -- --only scale (or lab)');
    // An idle run of fewer ATMs, or a bank part without the largest population, does not answer the target.
    const partial = byTarget({
      idle: { rows: [{ ATMs: 500, 'RSS MiB': 300 }], perAtmMiB: 0.4 },
      bank: { rows: [REPORT.bank!.rows[0]!, { customers: 10_000, store: 'sqlite', 'session ms p50': 12.8 }], ratio: 0.99 },
    });
    expect(partial['1,000 idle virtual ATMs under 2 GiB RSS']!.met).toBe('not measured');
    expect(partial["the bank's cost per session at 100,000 customers within 1.5x of at 200"]!.met).toBe('not measured');
  });

  it('draws the HTML report with the targets and the load rows, escaping what it quotes', () => {
    const html = benchReportHtml({ ...REPORT, machine: { ...REPORT.machine, cpu: '<script>x</script>' } }, targetsOf(REPORT));
    expect(html).toContain('<tr class="no">');
    expect(html).toContain('Sessions per second by ATMs');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
  });
});

describe('reading the last report back (npm run bench -- --only <part>)', () => {
  it('keeps a good report, and warns about and leaves out one it cannot read, instead of failing after the run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
    const file = join(dir, 'bench.json');
    const warnings: string[] = [];
    const warn = (line: string) => warnings.push(line);
    expect(await previousReport(join(dir, 'none.json'), warn)).toEqual({});
    await writeFile(file, JSON.stringify(REPORT));
    expect((await previousReport(file, warn)).bank?.ratio).toBe(1.02);
    await writeFile(file, '{"date": "2026-11-26", "machine"');
    expect(await previousReport(file, warn)).toEqual({});
    await writeFile(file, JSON.stringify({ ...REPORT, scale: { rows: [{ ATMs: '1' }] } }));
    expect(await previousReport(file, warn)).toEqual({});
    expect(warnings).toEqual([
      expect.stringMatching(/bench\.json: not JSON \(.+\); the parts this run does not measure are left out$/),
      expect.stringMatching(/bench\.json: not a bench report \(scale\.rows\.0\.ATMs: .+\)/),
    ]);
  });
});
