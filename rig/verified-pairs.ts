/**
 * What a start-up check already proved: this secret (an ATM's key, the staff password, a bus user's password) matches
 * this stored slow hash. Checking it again would give the same answer, and each check is a slow hash on purpose
 * (scrypt at 2^15: 80 ms a key; 200 ATMs' keys are some 8 s of hashing on two cores). So a pair once verified is
 * remembered in `verified.json` beside the secrets (mode 0600) as HMAC-SHA256(secret, name + hash): it matches only
 * the exact secret and hash that were checked, so a changed key, password or hash is checked slowly again. The file
 * is a cache: unreadable or malformed, it is ignored and written anew.
 *
 * It holds nothing the secrets' own files beside it do not: the secrets themselves are there in clear (0600). It
 * vouches for the checked pair against anyone who cannot write the data directory; who can could as well replace
 * the bank's hashes. A memory that cannot be written (a full disk, a directory in its place) is only not kept.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const FILE = 'verified.json';
const Memo = z.strictObject({ version: z.literal(1), pairs: z.record(z.string(), z.string()) });

export interface VerifiedPairs {
  /** Was this exact pair verified before? */
  known(name: string, secret: string, hash: string): boolean;
  /** It was verified now (or made now): remember it. */
  remember(name: string, secret: string, hash: string): void;
  /** Write the file if anything changed (nothing without a directory). */
  save(): Promise<void>;
}

const mark = (name: string, secret: string, hash: string) => createHmac('sha256', secret).update(`${name}\n${hash}`).digest('base64url');

export async function openVerifiedPairs(dir: string | undefined): Promise<VerifiedPairs> {
  const file = dir && join(dir, FILE);
  const pairs = new Map<string, string>();
  if (file) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    let json: unknown;
    try {
      json = text === undefined ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = Memo.safeParse(json);
    if (parsed.success) for (const [k, v] of Object.entries(parsed.data.pairs)) pairs.set(k, v);
  }
  let changed = false;
  return {
    known(name, secret, hash) {
      const saved = pairs.get(name);
      if (saved === undefined) return false;
      const a = Buffer.from(saved);
      const b = Buffer.from(mark(name, secret, hash));
      return a.length === b.length && timingSafeEqual(a, b);
    },
    remember(name, secret, hash) {
      const m = mark(name, secret, hash);
      if (pairs.get(name) === m) return;
      pairs.set(name, m);
      changed = true;
    },
    async save() {
      if (!file || !changed) return;
      // Whole or not at all, through a new file of a name no one can guess or plant ('wx': never through a link).
      const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      const body = JSON.stringify({ version: 1, pairs: Object.fromEntries(pairs) }, null, 1) + '\n';
      try {
        await writeFile(temp, body, { mode: 0o600, flag: 'wx' });
        await rename(temp, file);
        changed = false;
      } catch {
        await rm(temp, { force: true }).catch(() => undefined);
      }
    },
  };
}
