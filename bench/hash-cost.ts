/**
 * What one slow hash at the test cost takes on this machine: the floor under a session's CPU that no messaging change
 * can lower (a seed001 session hashes three times: the PIN checked, the OTP made, the OTP checked). Measured with
 * the same scrypt settings as the bank (rig/bank/secrets.ts), one hash at a time on one thread.
 */
import { scryptSync } from 'node:crypto';
import { CHEAP_HASH_COST, scryptOptions, type HashCost } from '../rig/bank/secrets.ts';

/** Hashes a seed001 session computes: the PIN checked, the OTP made, the OTP checked. */
export const HASHES_PER_SESSION = 3;

/** The least ms of CPU one scrypt hash at `cost` took over `runs` hashes: what it costs at best, the machine's
 *  other work and its drift aside (a floor should not move with them). */
export function hashCpuMs(cost: HashCost = CHEAP_HASH_COST, runs = 21): number {
  const options = scryptOptions(cost);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    scryptSync(`bench-${i}`, 'sixteen byte salt', 32, options);
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  return +Math.min(...times).toFixed(2);
}
