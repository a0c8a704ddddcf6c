/** Figures of a load run: sessions, rate, errors and latency percentiles, overall and per kind and per second. */
import type { SessionResult } from './run-load.ts';

export interface LoadStats {
  sessions: number;
  ok: number;
  errors: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function statsOf(results: readonly SessionResult[], elapsedMs: number): LoadStats {
  const ms = results
    .filter((r) => r.ok)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    sessions: results.length,
    ok: ms.length,
    errors: results.length - ms.length,
    perSecond: round(results.length / Math.max(elapsedMs / 1000, 1e-3)),
    p50: round(percentile(ms, 50)),
    p90: round(percentile(ms, 90)),
    p99: round(percentile(ms, 99)),
    max: round(ms.at(-1) ?? 0),
  };
}

/** Sessions ended and errors in each second of the run. */
export function perSecond(results: readonly SessionResult[], elapsedMs: number): { second: number; done: number; errors: number }[] {
  const seconds = Array.from({ length: Math.max(1, Math.ceil(elapsedMs / 1000)) }, (_, second) => ({ second, done: 0, errors: 0 }));
  for (const r of results) {
    const slot = seconds[Math.min(seconds.length - 1, Math.floor((r.start + r.ms) / 1000))]!;
    if (r.ok) slot.done++;
    else slot.errors++;
  }
  return seconds;
}

/** The progress line: `load: 120 sessions, 40.1/s, 0 errors, p50 180 ms, p99 420 ms`. */
export function progressText(results: readonly SessionResult[], elapsedMs: number): string {
  const s = statsOf(results, elapsedMs);
  return `load: ${s.sessions} sessions in ${(elapsedMs / 1000).toFixed(0)} s, ${s.perSecond}/s, ${s.errors} errors, p50 ${s.p50} ms, p99 ${s.p99} ms`;
}

/** The figures as a two-line table with units in the headings (console.table adds an "(index)" column and no units). */
export function statsTableText(s: LoadStats): string {
  const columns: [string, number][] = [
    ['sessions', s.sessions],
    ['ok', s.ok],
    ['errors', s.errors],
    ['sessions/s', s.perSecond],
    ['p50 ms', s.p50],
    ['p90 ms', s.p90],
    ['p99 ms', s.p99],
    ['max ms', s.max],
  ];
  const width = columns.map(([name, value]) => Math.max(name.length, String(value).length));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(width[i]!)).join('  ');
  return `${line(columns.map(([name]) => name))}\n${line(columns.map(([, value]) => String(value)))}`;
}
