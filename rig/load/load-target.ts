/**
 * Where a load run's ATMs are: a rig of its own, started for the run (N virtual ATMs on the population's bank), or a
 * lab's ATMs already running on other hosts (`--broker`, `--bank`; docs/roles.md), reached as the simulator.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type RigClock } from '../../core/clock.ts';
import { BUILT_IN_PROFILES } from '../../machines/profiles.ts';
import { createBankService } from '../bank/index.ts';
import type { BankService } from '../bank/service.ts';
import { keyringFileOf, readKeyring } from '../bus/keyring.ts';
import type { BusCredential } from '../bus/security.ts';
import { startRig } from '../rig.ts';

/** OTP lifetime of the load profile: the otp-expired sessions wait it out. */
export const OTP_TTL_S = 10;

/** Seed001 as a load ATM runs it: no pause on notices and goodbyes, and OTP codes that expire after 10 s. */
export function loadProfile() {
  const base = BUILT_IN_PROFILES.seed001!;
  return {
    ...base,
    id: 'seed001-load',
    timeouts: { ...base.timeouts, messageMs: 0 },
    tiers: base.tiers.map((t) => (t.kind === 'otp' ? { ...t, ttlSeconds: OTP_TTL_S } : t)),
  };
}

export interface LoadTarget {
  brokerUrl: string;
  simulator: BusCredential;
  atmIds: string[];
  clock: RigClock;
  /** The bank's accounts and ledgers for the ledger check: in process, or the lab's bank file opened to read. */
  ledgers(): Promise<{ bank: Pick<BankService, 'account' | 'history' | 'records'>; close(): Promise<void> }>;
  close(): Promise<void>;
}

export async function ownRig(o: { data: string; atmIds: string[]; seed: number; hashLogN: number }): Promise<LoadTarget> {
  const profileDir = await mkdtemp(join(tmpdir(), 'atm-rig-load-'));
  const profileFile = join(profileDir, 'seed001-load.json');
  await writeFile(profileFile, JSON.stringify(loadProfile()));
  const rig = await startRig({
    seed: o.seed,
    broker: { port: 0, wsPort: null, hashIterations: 1000 },
    bank: { port: 0, file: o.data, hashLogN: o.hashLogN, dailyWithdrawalLimit: 1e9 },
    atms: o.atmIds.map((id) => ({ id, profile: profileFile, gsm: { deliveryDelayMs: 0 }, dispenser: { dispenseMs: 0 } })),
  }).catch(async (err: unknown) => {
    await rm(profileDir, { recursive: true, force: true });
    throw err;
  });
  return {
    brokerUrl: rig.brokerUrl,
    simulator: rig.bus.simulator,
    atmIds: o.atmIds,
    clock: rig.clock,
    ledgers: async () => ({ bank: rig.bank.service, close: async () => {} }),
    close: async () => {
      await rig.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}

/** A lab's ATMs: the simulator's password from the keyring beside `data`; the ledgers from `data`, read only. */
export async function labAtms(o: { data: string; atmIds: string[]; brokerUrl: string }): Promise<LoadTarget> {
  const keyring = await readKeyring(keyringFileOf(o.data));
  if (!keyring) throw new Error(`no bus keyring at ${keyringFileOf(o.data)}: copy it from the bank's host (atm-rig bank writes it)`);
  return {
    brokerUrl: o.brokerUrl,
    simulator: keyring.credential('simulator'),
    atmIds: o.atmIds,
    clock: systemClock,
    ledgers: async () => {
      const bank = await createBankService({ file: o.data, readOnly: true });
      return { bank, close: () => bank.close() };
    },
    close: async () => {},
  };
}
