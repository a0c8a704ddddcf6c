/**
 * A load run: a rig with N virtual ATMs on a seeded population's bank (atm-rig seed --customers), one simulated
 * customer at each ATM running sessions back to back through real MQTT and HTTP, for M sessions or D seconds,
 * optionally paced to R sessions a second in all. Each customer is used once, so no session waits on another's
 * hold (one session per customer at a time). Results per session; the ledger check after (ledger-check.ts).
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { createRandom } from '../../core/random.ts';
import { AtmClient } from '../atm-client.ts';
import { mapLimit } from '../../core/pool.ts';
import { credentialsFileOf, parseCredentials, type PopulationCredential } from '../population-seed.ts';
import { labAtms, OTP_TTL_S, ownRig, type LoadTarget } from './load-target.ts';
import { pickKind, type Mix, type SessionKind } from './mix.ts';
import { LOAD_AMOUNT, runSession } from './session-kinds.ts';

export interface LoadOptions {
  data: string;
  atms: number;
  sessions?: number;
  durationMs?: number;
  /** Sessions started per second, in all; none = as fast as the ATMs go. */
  rate?: number;
  mix: Mix;
  seed: number;
  hashLogN: number;
  /** A lab's ATMs instead of a rig of the run's own: their broker, and their ids (docs/roles.md). */
  brokerUrl?: string;
  atmIds?: string[];
  onProgress?: (results: readonly SessionResult[], elapsedMs: number) => void;
  /** Aborted: no session starts after it; the ones under way finish, and the run returns what it has. */
  signal?: AbortSignal;
  /** Every ATM is there and sessions begin now. */
  onStart?: (atms: number) => void;
}

export interface SessionResult {
  atm: string;
  customer: string;
  account: string;
  kind: SessionKind;
  /** ms since the run started. */
  start: number;
  ms: number;
  ok: boolean;
  error?: string;
  dispensed: number;
}

export { loadProfile, OTP_TTL_S } from './load-target.ts';

/** How late a paced session may start before the run counts it as behind the rate. */
export const LATE_MS = 100;

export async function runLoad(o: LoadOptions): Promise<{
  results: SessionResult[];
  target: LoadTarget;
  elapsedMs: number;
  startedAt: number;
  customers: PopulationCredential[];
  /** Customers passed over: their account could not pay a withdrawal. */
  skipped: number;
  /** The scrypt cost (log2 N) the population's PINs were seeded with, which a session's PIN check pays. */
  pinHashLogN: number | undefined;
  /** With a rate: the sessions that started over LATE_MS after their time (no ATM free, or the process too busy). */
  late: { sessions: number; maxMs: number };
  /** Stopped by its signal before it was done. */
  interrupted: boolean;
}> {
  const credsFile = credentialsFileOf(o.data);
  const text = await readFile(credsFile, 'utf8').catch(() => {
    throw new Error(`no population beside ${o.data}: atm-rig seed --customers 10000 --data ${o.data} makes one (${credsFile})`);
  });
  const customers = parseCredentials(text, credsFile);
  const wanted = o.sessions ?? Number.POSITIVE_INFINITY;
  if (customers.length < Math.min(wanted, o.atms))
    throw new Error(`${customers.length} customers in ${credsFile}: fewer than the ATMs or sessions`);
  const ids = o.atmIds ?? Array.from({ length: o.atms }, (_, i) => `atm-${i + 1}`);
  const target = o.brokerUrl
    ? await labAtms({ data: o.data, atmIds: ids, brokerUrl: o.brokerUrl })
    : await ownRig({ data: o.data, atmIds: ids, seed: o.seed, hashLogN: o.hashLogN });
  let people: AtmClient[];
  try {
    people = await connectPeople(target, ids);
  } catch (err) {
    await target.close();
    throw err;
  }
  // Customers who cannot pay a withdrawal (a seeded balance under it, or spent by earlier runs) are passed over:
  // their sessions would fail on the bank's refusal, which is not what a load run measures.
  const books = await target.ledgers();
  const pinHashLogN = hashLogNOf(books.bank.records.customer(customers[0]!.id)?.pinHash);
  let skipped = 0;
  const canPay = (who: PopulationCredential) => {
    try {
      return books.bank.account(who.account).available >= LOAD_AMOUNT;
    } catch {
      return false;
    }
  };
  const random = createRandom(o.seed).fork('load');
  const results: SessionResult[] = [];
  const started = performance.now();
  const startedAt = target.clock.now();
  const elapsed = () => performance.now() - started;
  let next = 0;
  const first = o.seed % customers.length;
  let startedCount = 0;
  const inTime = () => o.durationMs === undefined || elapsed() < o.durationMs;
  const stopped = () => o.signal?.aborted === true;
  const more = () => startedCount < wanted && next < customers.length && inTime() && !stopped();
  // Pacing: the k-th session starts no earlier than k/R seconds in. An ATM takes its turn (k) before it waits, so
  // ATMs free at the same moment wait for turns one after another instead of all starting at once.
  const late = { sessions: 0, maxMs: 0 };
  /** Wait for turn `turn`'s time; false when it falls after the run's duration (an ATM waiting for it would hold
   *  the run open past its end: a thousand ATMs at 10 a second take turns up to 100 s ahead). */
  const turnDue = async (turn: number): Promise<boolean> => {
    if (!o.rate) return inTime();
    const dueAt = (turn / o.rate) * 1000;
    if (o.durationMs !== undefined && dueAt >= o.durationMs) return false;
    const wait = dueAt - elapsed();
    // Cut short by the signal (Node's timer rejects then): the check below says stop.
    if (wait > 0) await delay(wait, undefined, { signal: o.signal }).catch(() => undefined);
    if (stopped()) return false;
    // Late for want of a free ATM, or because the process was too busy to start it on time: either way, behind.
    const lateBy = elapsed() - dueAt;
    if (lateBy > LATE_MS) {
      late.sessions++;
      late.maxMs = Math.max(late.maxMs, lateBy);
    }
    // A turn due within the run is taken, even when its timer fired after the end.
    return true;
  };
  const ticker = setInterval(() => o.onProgress?.(results, elapsed()), 1000);
  o.onStart?.(people.length);
  await Promise.all(
    people.map(async (person, i) => {
      while (more()) {
        if (!(await turnDue(startedCount++)) || next >= customers.length) break;
        // From a place the seed picks: runs one after another do not all spend the same first customers' money.
        let who = customers[(first + next++) % customers.length]!;
        while (!canPay(who) && next < customers.length) {
          skipped++;
          who = customers[(first + next++) % customers.length]!;
        }
        const kind = pickKind(o.mix, random);
        const start = elapsed();
        const seen = { dispensed: 0 };
        try {
          const { dispensed } = await runSession(kind, person, who, OTP_TTL_S * 1000, seen);
          results.push({ atm: ids[i]!, customer: who.id, account: who.account, kind, start, ms: elapsed() - start, ok: true, dispensed });
        } catch (err) {
          const error = (err as Error).message.split('\n')[0]!.slice(0, 200);
          results.push({
            atm: ids[i]!,
            customer: who.id,
            account: who.account,
            kind,
            start,
            ms: elapsed() - start,
            ok: false,
            error,
            // Notes that left before it failed were paid all the same: the ledger check wants them debited.
            dispensed: seen.dispensed,
          });
          // Back to a known state before the next customer: a goodbye, then idle.
          await person.press('CANCEL').catch(() => undefined);
          await person.untilScreen('welcome', 15_000).catch(() => undefined);
        }
      }
    }),
  );
  clearInterval(ticker);
  await books.close();
  const elapsedMs = elapsed();
  o.onProgress?.(results, elapsedMs);
  await Promise.all(people.map((p) => p.close()));
  return { results, target, elapsedMs, startedAt, customers, skipped, pinHashLogN, late, interrupted: stopped() };
}

/** The cost in a stored scrypt hash (`scrypt$<logN>$...`, rig/bank/secrets.ts). */
const hashLogNOf = (stored: string | undefined) => (stored?.startsWith('scrypt$') ? Number(stored.split('$')[1]) : undefined);

/** A person at each ATM, a few connecting at a time (a broker's guard against connection floods drops a burst of
 *  hundreds), and each ATM shown to be there: its session state is retained on the broker while its controller runs. */
async function connectPeople(target: LoadTarget, ids: readonly string[]): Promise<AtmClient[]> {
  const opened: AtmClient[] = [];
  const close = () => Promise.all(opened.map((p) => p.close()));
  const people = await mapLimit(ids, 16, async (id) => {
    const person = await AtmClient.connect(target.brokerUrl, id, target.simulator, { phones: 'own', sees: 'session' }).catch(
      (err: Error) => {
        throw new Error(`cannot reach the broker at ${target.brokerUrl} as the simulator: ${err.message}`, { cause: err });
      },
    );
    opened.push(person);
    return person;
  }).catch(async (err: unknown) => {
    await close();
    throw err;
  });
  const absent = await Promise.all(
    people.map((p) =>
      p
        .until(() => p.session !== undefined, 'its session state', 3000)
        .then(
          () => undefined,
          () => p.atmId,
        ),
    ),
  );
  const missing = absent.filter((id): id is string => id !== undefined);
  if (missing.length) {
    await close();
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
    throw new Error(
      `no ATM answers as ${missing.slice(0, 5).join(', ')}${more} on ${target.brokerUrl} (no session state): is its host running?`,
    );
  }
  return people;
}
