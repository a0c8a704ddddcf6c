/**
 * A load run: a rig with N virtual ATMs on a seeded population's bank (atm-rig seed --customers), one simulated
 * customer at each ATM running sessions back to back through real MQTT and HTTP, for M sessions or D seconds,
 * optionally paced to R sessions a second in all. Each customer is used once, so no session waits on another's
 * hold (one session per customer at a time). Results per session; the ledger check after (ledger-check.ts).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRandom } from '../../core/random.ts';
import { BUILT_IN_PROFILES } from '../../machines/profiles.ts';
import { AtmClient } from '../atm-client.ts';
import { parseCredentials, type PopulationCredential } from '../population-seed.ts';
import { startRig, type Rig } from '../rig.ts';
import { pickKind, type Mix, type SessionKind } from './mix.ts';
import { runSession } from './session-kinds.ts';

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
  onProgress?: (results: readonly SessionResult[], elapsedMs: number) => void;
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

/** Seed001 as a load ATM runs it: no pause on notices and goodbyes, and OTP codes that expire after 10 s (the
 *  otp-expired sessions wait that out). */
export const OTP_TTL_S = 10;
export function loadProfile() {
  const base = BUILT_IN_PROFILES.seed001!;
  return {
    ...base,
    id: 'seed001-load',
    timeouts: { ...base.timeouts, messageMs: 0 },
    tiers: base.tiers.map((t) => (t.kind === 'otp' ? { ...t, ttlSeconds: OTP_TTL_S } : t)),
  };
}

export async function runLoad(
  o: LoadOptions,
): Promise<{ results: SessionResult[]; rig: Rig; elapsedMs: number; startedAt: number; customers: PopulationCredential[] }> {
  const credsFile = join(dirname(o.data), 'population-credentials.ndjson');
  const text = await readFile(credsFile, 'utf8').catch(() => {
    throw new Error(`no population beside ${o.data}: atm-rig seed --customers 10000 --data ${o.data} makes one (${credsFile})`);
  });
  const customers = parseCredentials(text, credsFile);
  const wanted = o.sessions ?? Number.POSITIVE_INFINITY;
  if (customers.length < Math.min(wanted, o.atms))
    throw new Error(`${customers.length} customers in ${credsFile}: fewer than the ATMs or sessions`);
  const profileFile = join(await mkdtemp(join(tmpdir(), 'atm-rig-load-')), 'seed001-load.json');
  await writeFile(profileFile, JSON.stringify(loadProfile()));
  const ids = Array.from({ length: o.atms }, (_, i) => `atm-${i + 1}`);
  const rig = await startRig({
    seed: o.seed,
    broker: { port: 0, wsPort: null, hashIterations: 1000 },
    bank: { port: 0, file: o.data, hashLogN: o.hashLogN, dailyWithdrawalLimit: 1e9 },
    atms: ids.map((id) => ({ id, profile: profileFile, gsm: { deliveryDelayMs: 0 }, dispenser: { dispenseMs: 0 } })),
  });
  const people = await Promise.all(ids.map((id) => AtmClient.connect(rig.brokerUrl, id, rig.bus.simulator, { phones: 'own' })));
  const random = createRandom(o.seed).fork('load');
  const results: SessionResult[] = [];
  const started = performance.now();
  const startedAt = rig.clock.now();
  const elapsed = () => performance.now() - started;
  let next = 0;
  let startedCount = 0;
  const more = () => startedCount < wanted && next < customers.length && (o.durationMs === undefined || elapsed() < o.durationMs);
  // Pacing: the k-th session starts no earlier than k/R seconds in.
  const pace = async () => {
    if (!o.rate) return;
    const due = (startedCount / o.rate) * 1000 - elapsed();
    if (due > 0) await new Promise((r) => setTimeout(r, due));
  };
  const ticker = setInterval(() => o.onProgress?.(results, elapsed()), 1000);
  await Promise.all(
    people.map(async (person, i) => {
      while (more()) {
        await pace();
        if (!more()) break;
        startedCount++;
        const who = customers[next++]!;
        const kind = pickKind(o.mix, random);
        const start = elapsed();
        try {
          const { dispensed } = await runSession(kind, person, who, OTP_TTL_S * 1000);
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
            dispensed: 0,
          });
          // Back to a known state before the next customer: a goodbye, then idle.
          await person.press('CANCEL').catch(() => undefined);
          await person.untilScreen('welcome', 15_000).catch(() => undefined);
        }
      }
    }),
  );
  clearInterval(ticker);
  const elapsedMs = elapsed();
  o.onProgress?.(results, elapsedMs);
  await Promise.all(people.map((p) => p.close()));
  return { results, rig, elapsedMs, startedAt, customers };
}
