// The start-up checks' memory (rig/verified-pairs.ts): it must only ever vouch for the exact pair that was checked.
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openVerifiedPairs } from './verified-pairs.ts';

describe('verified pairs', () => {
  it('knows a remembered pair after a restart, and nothing that differs from it in any part', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atm-rig-verified-'));
    const first = await openVerifiedPairs(dir);
    first.remember('atm:atm-1', 'the-key', '$scrypt$hash-1');
    await first.save();
    expect((await stat(join(dir, 'verified.json'))).mode & 0o777).toBe(0o600);
    const again = await openVerifiedPairs(dir);
    expect(again.known('atm:atm-1', 'the-key', '$scrypt$hash-1')).toBe(true);
    expect(again.known('atm:atm-1', 'the-kex', '$scrypt$hash-1')).toBe(false);
    expect(again.known('atm:atm-1', 'the-key', '$scrypt$hash-2')).toBe(false);
    expect(again.known('atm:atm-2', 'the-key', '$scrypt$hash-1')).toBe(false);
    // Neither the secret nor the hash is in the file.
    const text = await readFile(join(dir, 'verified.json'), 'utf8');
    expect(text).not.toContain('the-key');
    expect(text).not.toContain('hash-1');
  });

  it('ignores a malformed file (a cache: the checks run slowly again) and writes a good one', async () => {
    for (const bad of ['not json', '{"version":2,"pairs":{}}', '{"version":1,"pairs":{},"extra":1}', '[]']) {
      const dir = await mkdtemp(join(tmpdir(), 'atm-rig-verified-'));
      await writeFile(join(dir, 'verified.json'), bad);
      const pairs = await openVerifiedPairs(dir);
      expect(pairs.known('x', 'y', 'z')).toBe(false);
      pairs.remember('x', 'y', 'z');
      await pairs.save();
      expect((await openVerifiedPairs(dir)).known('x', 'y', 'z')).toBe(true);
    }
  });

  it('is only not kept when it cannot be written (a directory in its place), and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atm-rig-verified-'));
    await mkdir(join(dir, 'verified.json'));
    const pairs = await openVerifiedPairs(dir);
    pairs.remember('x', 'y', 'z');
    await expect(pairs.save()).resolves.toBeUndefined();
    expect(await readdir(dir)).toEqual(['verified.json']);
  });

  it('keeps nothing without a directory', async () => {
    const pairs = await openVerifiedPairs(undefined);
    pairs.remember('x', 'y', 'z');
    await pairs.save();
    expect(pairs.known('x', 'y', 'z')).toBe(true);
  });
});
