/**
 * reports/bench.html: the bench report for people: the targets met and not, then each part's figures as charts and
 * tables. Drawn from the same report as reports/bench.json, so a part kept from an earlier run shows here too.
 */
import { bars, escapeHtml as esc } from '../rig/load/bar-chart.ts';
import { olderParts, type BenchReport, type LoadRow } from './bench-report.ts';
import type { TargetRow } from './targets.ts';

type Row = Record<string, unknown>;

function table(rows: readonly Row[], cls: (row: Row) => string = () => ''): string {
  if (rows.length === 0) return '';
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => `<td>${esc(typeof v === 'number' ? v.toLocaleString('en') : String(v ?? ''))}</td>`;
  return `<table><tr>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>${rows
    .map((r) => `<tr class="${cls(r)}">${keys.map((k) => cell(r[k])).join('')}</tr>`)
    .join('')}</table>`;
}

function loadCharts(scale: readonly LoadRow[], lab: readonly LoadRow[]): string {
  const points = [
    ...scale.map((row) => ({ row, where: 'one process', colour: '#3b82f6' })),
    ...lab.map((row) => ({ row, where: 'lab', colour: '#f59e0b' })),
  ].sort((a, b) => a.row.ATMs - b.row.ATMs);
  if (points.length === 0) return '';
  const label = (p: (typeof points)[number]) => `${p.row.ATMs} ATMs, ${p.where}`;
  return (
    bars(
      points.map((p) => ({ label: label(p), value: p.row['sessions/s'], colour: p.colour })),
      'Sessions per second by ATMs (blue: one process; amber: a lab of processes)',
      'ATMs',
    ) +
    bars(
      points.map((p) => ({ label: label(p), value: p.row['p50 ms'], colour: p.colour })),
      'Median session (ms) by ATMs',
      'ATMs',
    )
  );
}

export function benchReportHtml(r: Partial<BenchReport>, targets: readonly TargetRow[]): string {
  const m = r.machine;
  const scale = r.scale?.rows ?? [];
  const lab = r.lab?.rows ?? [];
  const bank = r.bank?.rows ?? [];
  const section = (title: string, body: string) => (body ? `<h2>${esc(title)}</h2>${body}` : '');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>atm-rig bench</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}figure{margin:1.5em 0}figcaption{font-weight:600}tr.no td:last-child{color:#b91c1c;font-weight:600}tr.yes td:last-child{color:#15803d}</style></head><body>
<h1>atm-rig bench</h1>
<p>${esc(r.date ?? '')}${m ? esc(` on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), Node ${m.node}, scrypt logN ${r.scryptLogN}`) : ''}.
Figures only; what they mean and how they were taken: docs/performance.md.</p>
${olderHtml(r)}
${section(
  'Targets (issue 13)',
  table(targets as unknown as Row[], (row) => (row.met === 'yes' || row.met === 'no' ? String(row.met) : '')),
)}
${section(
  'Sessions at 1 to 200 ATMs',
  loadCharts(scale, lab) +
    (scale.length ? `<h3>In one process</h3>${table(scale)}` : '') +
    (lab.length ? `<h3>On a lab of processes</h3>${table(lab)}` : ''),
)}
${section(
  'The in-process machine on the population (what the rows and the limits compare with)',
  r.populationBaseline
    ? table([
        {
          ...r.populationBaseline,
          ...(r.hashCpuMs !== undefined ? { 'one scrypt hash at the test cost, ms of CPU at best': r.hashCpuMs } : {}),
        },
      ])
    : '',
)}
${section('A fleet: a thousand ATMs at a steady rate', table(r.fleet?.rows ?? []))}
${section('One ATM against the in-process machine (demo bank)', table(r.sessions?.rows ?? []))}
${section(
  "The bank's cost per session",
  (bank.length
    ? bars(
        bank.map((b) => ({ label: `${b.customers.toLocaleString('en')} ${b.store}`, value: b['session ms p50'] })),
        'Bank ms per session (median) by population',
        'customers',
      )
    : '') + table(bank),
)}
${section('Fingerprint identification', table(r.fingerprint ?? []))}
${section('Idle ATMs', table(r.idle?.rows ?? []))}
${section('Start-up', table(r.startup ?? []))}
</body></html>
`;
}

/** Which parts were kept from earlier runs: their figures may come from older code or a busier machine. */
function olderHtml(r: Partial<BenchReport>): string {
  const older = olderParts(r);
  return older.length
    ? `<p><strong>Kept from earlier runs:</strong> ${older.map((o) => `${esc(o.part)} (${esc(o.date)})`).join(', ')}.</p>`
    : '';
}
