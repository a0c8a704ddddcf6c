/**
 * reports/bench.json: what `npm run bench` writes, and reads back when a part runs alone (`--only`), to keep the other
 * parts of the last run. The shape below is what the targets and the HTML report read; rows may carry more columns.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const num = z.number();
const rows = <T extends z.ZodRawShape>(shape: T) => z.array(z.looseObject(shape));

export const BenchReportSchema = z.looseObject({
  date: z.string(),
  machine: z.looseObject({ cpu: z.string(), cores: num, memoryGiB: num, node: z.string() }),
  scryptLogN: num,
  hashCpuMs: num.optional(),
  sessions: z.looseObject({ rows: rows({ run: z.string(), 'median ms': num, 'sessions/s': num }), ratio: num }).optional(),
  populationBaseline: z.looseObject({ p50: num, sessions: num, cpuMsPerSession: num.optional() }).optional(),
  scale: z.looseObject({ rows: rows({ ATMs: num, 'sessions/s': num, 'p50 ms': num, 'x in-process p50': num, errors: num }) }).optional(),
  lab: z
    .looseObject({
      rows: rows({ ATMs: num, 'sessions/s': num, 'p50 ms': num, 'x in-process p50': num, errors: num }).optional(),
      skipped: z.string().optional(),
    })
    .optional(),
  fleet: z.looseObject({ rows: rows({ ATMs: num, customers: num, 'sessions/s': num, 'p50 ms': num, errors: num }) }).optional(),
  idle: z.looseObject({ rows: rows({ ATMs: num, 'RSS MiB': num }), perAtmMiB: num }).optional(),
  startup: rows({ command: z.string(), 'ms (median of 5)': num }).optional(),
  fingerprint: z.array(z.looseObject({})).optional(),
  bank: z.looseObject({ rows: rows({ customers: num, store: z.enum(['sqlite', 'json']), 'session ms p50': num }), ratio: num }).optional(),
});
export type BenchReport = z.infer<typeof BenchReportSchema>;
export type LoadRow = NonNullable<BenchReport['scale']>['rows'][number];

export const REPORT_FILE = 'reports/bench.json';

/** The last report, to keep its other parts: none when there is none; a warning, and none, when it cannot be read. */
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
    warn(`${file}: not JSON (${(err as Error).message}); the parts this run does not measure are left out`);
    return {};
  }
  const parsed = BenchReportSchema.safeParse(json);
  // The report as it was written (its columns in their order), now that it is known to have the shape.
  if (parsed.success) return json as BenchReport;
  const first = parsed.error.issues[0]!;
  warn(
    `${file}: not a bench report (${first.path.join('.') || 'the top'}: ${first.message}); the parts this run does not measure are left out`,
  );
  return {};
}
