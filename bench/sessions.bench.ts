/**
 * The sessions part of `npm run bench` (bench/run.ts): runs N complete seed001 sessions (ENTER, the requested finger, PIN, OTP from the phone, a withdrawal, take the
 * cash, finish) two ways and prints throughput and latency:
 *   - through the rig: embedded Aedes broker, every device and the controller as MQTT clients, the bank over HTTP,
 *     the customer over MQTT (K ATMs in parallel, N/K sessions each);
 *   - the in-process baseline: the same session machine and bank logic, no MQTT, no HTTP.
 * Device delays (SMS delivery, note counting, the goodbye screen) are set to 0 and hashing to the cheap cost,
 * so the figures measure atm-rig's own overhead. Figures only: no pass/fail thresholds here.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_PROFILES, parseProfile } from '../machines/profiles.ts';
import { AtmClient, otpFromSms } from '../rig/atm-client.ts';
import { createBankService } from '../rig/bank/index.ts';
import { CHEAP_HASH_COST } from '../rig/bank/secrets.ts';
import { startRig } from '../rig/rig.ts';
import { inProcessSessions } from './in-process.ts';
import { DEMO_CUSTOMERS, seedDemo } from '../rig/seed.ts';
import { WARM_UP } from './scale.bench.ts';

let N = 50;
let K = 2;
const alice = DEMO_CUSTOMERS[0]!;
const WITHDRAW = 50; // major units; the seed balance is topped up so every session can pay

const fastProfile = parseProfile({ ...BUILT_IN_PROFILES.seed001, id: 'seed001-bench', timeouts: { messageMs: 0 } });

interface Result {
  label: string;
  durations: number[];
  totalMs: number;
  rssMb: number;
  heapMb: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function overMqtt(): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'atm-rig-bench-'));
  const profileFile = join(dir, 'profile.json');
  await writeFile(profileFile, JSON.stringify(fastProfile));
  const rig = await startRig({
    seed: 1,
    broker: { port: 0, wsPort: null, hashIterations: 10 },
    bank: { port: 0, file: ':memory:', hashLogN: CHEAP_HASH_COST.logN, dailyWithdrawalLimit: 1e12 },
    atms: Array.from({ length: K }, (_, i) => ({
      id: `atm-${i + 1}`,
      profile: profileFile,
      gsm: { deliveryDelayMs: 0 },
      dispenser: { dispenseMs: 0 },
    })),
  });
  await seedDemo(rig.bank.service);
  for (const c of DEMO_CUSTOMERS) {
    const account = rig.bank.service.records.accountOf(c.id)!.number;
    await rig.bank.service.adjust(account, (N + WARM_UP) * WITHDRAW * 100, 'bench float');
  }

  const people = await Promise.all(rig.atms.map((atm) => AtmClient.connect(rig.brokerUrl, atm.id, rig.bus.simulator)));
  const session = async (person: AtmClient, customer: (typeof DEMO_CUSTOMERS)[number]) => {
    await person.untilState('idle');
    await person.press('ENTER');
    const { requestedFinger } = await person.untilState('session.auth.fingerprint.waiting');
    await person.placeFinger(requestedFinger!, customer.id);
    await person.untilState('session.auth.pin.entering');
    await person.type(customer.pin);
    await person.untilState('session.auth.otp.entering');
    const sms = await person.untilSms(customer.kyc.phone);
    await person.type(otpFromSms(sms.text));
    await person.untilState('session.menu');
    await person.press('1');
    await person.untilState('session.withdraw.amount');
    await person.type(String(WITHDRAW));
    await person.untilState('session.result');
    await person.takeCash();
    await person.press('CANCEL');
    await person.untilState('idle');
    person.messages.length = 0;
    person.inbox.length = 0;
  };
  // Warmed as the in-process machine is: the first ATM's first sessions are not measured.
  for (let s = 0; s < WARM_UP; s++) await session(people[0]!, DEMO_CUSTOMERS[0]!);
  const durations: number[] = [];
  const start = performance.now();
  await Promise.all(
    people.map(async (person, i) => {
      const share = Math.floor(N / K) + (i < N % K ? 1 : 0);
      for (let s = 0; s < share; s++) {
        const t0 = performance.now();
        await session(person, DEMO_CUSTOMERS[i]!);
        durations.push(performance.now() - t0);
      }
    }),
  );
  const totalMs = performance.now() - start;
  const mem = process.memoryUsage();
  await Promise.all(people.map((p) => p.close()));
  await rig.close();
  return {
    label: `rig over MQTT + HTTP (${K} ATM${K > 1 ? 's' : ''})`,
    durations,
    totalMs,
    rssMb: mem.rss / 2 ** 20,
    heapMb: mem.heapUsed / 2 ** 20,
  };
}

async function inProcess(): Promise<Result> {
  const bank = await createBankService({ file: ':memory:', seed: 1, hashCost: CHEAP_HASH_COST, dailyWithdrawalLimit: 1e12 });
  await seedDemo(bank);
  const account = bank.records.accountOf(alice.id)!.number;
  await bank.adjust(account, (N + WARM_UP) * WITHDRAW * 100, 'bench float');
  await inProcessSessions(bank, [alice], { n: WARM_UP, profile: fastProfile, amount: WITHDRAW });
  const start = performance.now();
  const durations = await inProcessSessions(bank, [alice], { n: N, profile: fastProfile, amount: WITHDRAW });
  const totalMs = performance.now() - start;
  const mem = process.memoryUsage();
  return { label: 'in-process baseline (no MQTT, no HTTP)', durations, totalMs, rssMb: mem.rss / 2 ** 20, heapMb: mem.heapUsed / 2 ** 20 };
}

function report(r: Result) {
  const sorted = [...r.durations].sort((a, b) => a - b);
  return {
    run: r.label,
    sessions: sorted.length,
    'sessions/s': +(sorted.length / (r.totalMs / 1000)).toFixed(1),
    'median ms': +quantile(sorted, 0.5).toFixed(1),
    'p99 ms': +quantile(sorted, 0.99).toFixed(1),
    'max ms': +sorted.at(-1)!.toFixed(1),
    'rss MiB': +r.rssMb.toFixed(0),
    'heap MiB': +r.heapMb.toFixed(0),
  };
}

/** N sessions in process and over the rig with K ATMs (one customer per ATM, so no ATM can read another's OTP on a
 *  shared phone: at most as many ATMs as demo customers). Rows for the table, and the MQTT path's median over the
 *  in-process one. */
export async function sessionsBench(
  sessions: number,
  atms: number,
): Promise<{ rows: ReturnType<typeof report>[]; ratio: number; atms: number }> {
  N = sessions;
  K = Math.max(1, Math.min(atms, N, DEMO_CUSTOMERS.length));
  const baseline = await inProcess();
  const rig = await overMqtt();
  const median = (r: Result) =>
    quantile(
      [...r.durations].sort((a, b) => a - b),
      0.5,
    );
  return { rows: [report(baseline), report(rig)], ratio: median(rig) / median(baseline), atms: K };
}
