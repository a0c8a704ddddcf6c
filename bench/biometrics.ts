/**
 * Fingerprint identification rates on a seeded population, through the bank's own 1:N path (the index, then the
 * matcher): false non-matches of enrolled fingers captured at several qualities, false matches of strangers, and
 * the emulator's `varied` impressions; and, apart, what the index misses that a scan of every template would find.
 */
import { MATCH_THRESHOLD } from '../core/biometrics.ts';
import { createRandom } from '../core/random.ts';
import { degrade, strangerTemplate, synthTemplate } from '../devices/fingerprint/template.ts';
import { ImpressionMaker } from '../devices/fingerprint/zfm/impression.ts';
import type { BankService } from '../rig/bank/service.ts';
import type { PopulationCredential } from '../rig/population-seed.ts';

export interface RateRow {
  population: number;
  probe: string;
  trials: number;
  'FNMR %': number | string;
  'FMR %': number | string;
}

const GENUINE = 1000;
const STRANGERS = 2000;

export function identificationRates(bank: BankService, people: PopulationCredential[]): RateRow[] {
  const random = createRandom('bench:biometrics');
  const pick = () => ({ id: people[random.int(0, people.length - 1)]!.id, finger: random.int(1, 10) });
  const rows: RateRow[] = [];
  const genuine = (probe: string, capture: (clean: string) => string) => {
    let missed = 0;
    let wrong = 0;
    for (let i = 0; i < GENUINE; i++) {
      const { id, finger } = pick();
      const verdict = bank.matchFingerprint(capture(synthTemplate(id, finger)));
      if (!verdict.ok) missed++;
      else if (verdict.customerId !== id || verdict.finger !== finger) wrong++;
    }
    rows.push({ population: people.length, probe, trials: GENUINE, 'FNMR %': pct(missed, GENUINE), 'FMR %': pct(wrong, GENUINE) });
  };
  for (const quality of [100, 80, 70, 65, 60]) genuine(`enrolled finger, capture quality ${quality}`, (t) => degrade(t, quality, random));
  const varied = new ImpressionMaker('varied');
  genuine("emulator 'varied' impression, bank matching", (t) => varied.capture(Buffer.from(t, 'base64')).bytes.toString('base64'));
  let falseMatches = 0;
  for (let i = 0; i < STRANGERS; i++) if (bank.matchFingerprint(strangerTemplate(random)).ok) falseMatches++;
  rows.push({
    population: people.length,
    probe: 'stranger (not enrolled)',
    trials: STRANGERS,
    'FNMR %': '-',
    'FMR %': pct(falseMatches, STRANGERS),
  });
  return rows;
}

/** Of captures at the threshold's edge that a scan of every enrolled template matches, the share the index misses. */
export function indexMisses(bank: BankService, people: PopulationCredential[], trials = 300): RateRow {
  const random = createRandom('bench:index');
  const library = [...bank.records.fingers()].map((f) => ({
    id: f.customerId,
    finger: f.finger,
    bytes: Buffer.from(f.template, 'base64'),
  }));
  let scanned = 0;
  let missed = 0;
  for (let i = 0; i < trials; i++) {
    const c = people[random.int(0, people.length - 1)]!;
    const finger = random.int(1, 10);
    const probe = degrade(synthTemplate(c.id, finger), 60, random);
    const bytes = Buffer.from(probe, 'base64');
    const best = library.find((t) => t.id === c.id && t.finger === finger && score(t.bytes, bytes) >= MATCH_THRESHOLD);
    // The scan: every template compared (what the bank did before the index).
    const anyone = best ?? library.find((t) => score(t.bytes, bytes) >= MATCH_THRESHOLD);
    if (!anyone) continue;
    scanned++;
    if (!bank.matchFingerprint(probe).ok) missed++;
  }
  return {
    population: people.length,
    probe: 'quality 60, matched by a full scan: missed by the index',
    trials: scanned,
    'FNMR %': pct(missed, scanned),
    'FMR %': '-',
  };
}

function score(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) return 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return Math.round((same * 100) / a.length);
}

const pct = (n: number, of: number) => (of === 0 ? '-' : +((n * 100) / of).toFixed(3));
