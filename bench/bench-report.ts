/**
 * reports/bench.json: what `npm run bench` writes, and reads back when a part runs alone (`--only`), to keep the other
 * parts of the last run. The shape below is what the targets and the HTML report read; rows may carry more columns.
 * Each part is dated: a figure kept from an earlier run (older code, another load on the machine) says so.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { z } from 'zod';

const num = z.number();
const rows = <T extends z.ZodRawShape>(shape: T) => z.array(z.looseObject(shape));
const loadRows = rows({ ATMs: num, 'sessions/s': num, 'p50 ms': num, errors: num });

/** The parts, each checked on its own: one a later version wrote differently is left out, not the whole report. */
export const PART_SCHEMAS = {
  machine: z.looseObject({ cpu: z.string(), cores: num, memoryGiB: num, node: z.string() }),
  hashCpuMs: num,
  sessions: z.looseObject({ rows: rows({ run: z.string(), 'median ms': num, 'sessions/s': num }), ratio: num, atms: num.optional() }),
  populationBaseline: z.looseObject({ p50: num, sessions: num, cpuMsPerSession: num.optional() }),
  scale: z.looseObject({ rows: loadRows, inProcessP50: num.optional() }),
  lab: z.looseObject({ rows: loadRows.optional(), skipped: z.string().optional(), inProcessP50: num.optional() }),
  fleet: z.looseObject({ rows: rows({ ATMs: num, customers: num, 'sessions/s': num, 'p50 ms': num, errors: num }) }),
  idle: z.looseObject({ rows: rows({ ATMs: num, 'RSS MiB': num }), perAtmMiB: num }),
  startup: rows({ command: z.string(), 'ms (median of 5)': num }),
  bank: z.looseObject({ rows: rows({ customers: num, store: z.enum(['sqlite', 'json']), 'session ms p50': num }), ratio: num }),
  fingerprint: z.array(z.looseObject({})),
  /** When each part was measured (ISO time). */
  dates: z.record(z.string(), z.string()),
};

export const BenchReportSchema = z.looseObject({ date: z.string(), scryptLogN: num, ...z.object(PART_SCHEMAS).partial().shape });
export type BenchReport = z.infer<typeof BenchReportSchema>;
export type LoadRow = z.infer<typeof loadRows>[number];

export const REPORT_FILE = 'reports/bench.json';

/**
 * The last report's parts, to keep: none when there is none. A part that does not have its shape is left out with a
 * warning; a file that is not JSON is copied aside (`.unreadable`) before this run writes over it.
 */
export async function previousReport(file = REPORT_FILE, warn: (line: string) => void = console.warn): Promise<Partial<BenchReport>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    await copyFile(file, `${file}.unreadable`).catch(() => undefined);
    warn(`${file}: not JSON (${(err as Error).message}); copied to ${file}.unreadable, and no part of it is kept`);
    return {};
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    warn(`${file}: not a bench report (not an object); no part of it is kept`);
    return {};
  }
  const kept: Record<string, unknown> = { ...json };
  for (const [part, schema] of Object.entries(PART_SCHEMAS)) {
    if (!(part in kept)) continue;
    const parsed = schema.safeParse(kept[part]);
    if (parsed.success) continue;
    const first = parsed.error.issues[0]!;
    warn(`${file}: its ${part} part is left out (${[part, ...first.path].join('.')}: ${first.message})`);
    delete kept[part];
  }
  return kept as Partial<BenchReport>;
}

/** The parts of `r` measured before `r.date` (kept from an earlier run), with when. */
export function olderParts(r: Partial<BenchReport>): { part: string; date: string }[] {
  return Object.entries(r.dates ?? {})
    .filter(([part, date]) => date !== r.date && part in r)
    .map(([part, date]) => ({ part, date }));
}
