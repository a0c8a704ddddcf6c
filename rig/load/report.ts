/**
 * A load run's HTML report: the figures, a latency histogram, and sessions and errors per second, drawn as inline SVG
 * (no script, no font-dependent glyphs), plus the ledger check. Self-contained: one file to attach or mail.
 */
import type { LoadStats } from './stats.ts';
import { perSecond } from './stats.ts';
import type { SessionResult } from './run-load.ts';
import { bars, escapeHtml as esc } from './bar-chart.ts';

export function loadReportHtml(run: {
  title: string;
  stats: LoadStats;
  results: readonly SessionResult[];
  elapsedMs: number;
  ledgerProblems: readonly string[];
  settings: Record<string, string | number>;
}): string {
  const ok = run.results.filter((r) => r.ok).map((r) => r.ms);
  const top = Math.max(1, ...ok);
  const step = Math.max(1, Math.ceil(top / 30 / 10) * 10);
  const histogram = Array.from({ length: Math.ceil((top + 1) / step) }, (_, i) => ({
    label: `${i * step}`,
    value: ok.filter((ms) => ms >= i * step && ms < (i + 1) * step).length,
  }));
  const seconds = perSecond(run.results, run.elapsedMs);
  const kinds = [...new Set(run.results.map((r) => r.kind))].map((kind) => {
    const of = run.results.filter((r) => r.kind === kind);
    return `<tr><td>${kind}</td><td>${of.length}</td><td>${of.filter((r) => !r.ok).length}</td></tr>`;
  });
  const errors = [...new Set(run.results.filter((r) => !r.ok).map((r) => r.error ?? 'error'))].slice(0, 20);
  const row = (k: string, v: string | number) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(run.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}figure{margin:1.5em 0}figcaption{font-weight:600}.bad{color:#b91c1c}.good{color:#15803d}</style></head><body>
<h1>${esc(run.title)}</h1>
<table>${Object.entries(run.settings)
    .map(([k, v]) => row(k, v))
    .join('')}</table>
<table>${row('sessions', run.stats.sessions)}${row('completed as expected', run.stats.ok)}${row('errors', run.stats.errors)}${row('sessions/s', run.stats.perSecond)}${row('p50 ms', run.stats.p50)}${row('p90 ms', run.stats.p90)}${row('p99 ms', run.stats.p99)}${row('max ms', run.stats.max)}</table>
<table><tr><th>kind</th><th>sessions</th><th>errors</th></tr>${kinds.join('')}</table>
${bars(histogram, 'Session latency (completed sessions)', 'ms')}
${bars(
  seconds.map((s) => ({ label: String(s.second), value: s.done })),
  'Sessions completed per second',
  's',
)}
${bars(
  seconds.map((s) => ({ label: String(s.second), value: s.errors, colour: '#dc2626' })),
  'Errors per second',
  's',
)}
<h2>Ledger check</h2>
${run.ledgerProblems.length === 0 ? '<p class="good">Every touched account\'s ledger adds up to its balance, and the bank debited exactly the cash dispensed.</p>' : `<ul class="bad">${run.ledgerProblems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`}
${errors.length ? `<h2>Errors</h2><ul>${errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
