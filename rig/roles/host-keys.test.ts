// atm-rig host-keys writes one host's keys into a new directory of its own, never into one that exists (a symlink or
// a directory another user made would hand the secrets to its owner: the attacker's review).
import { mkdir, mkdtemp, readFile, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBankService, startBank } from '../bank/index.ts';
import { prepareBusSecurity } from '../bus/security.ts';
import { exportHostKeys } from './host-keys.ts';

describe('atm-rig host-keys', () => {
  it("writes only the host's ATMs' keys, 0600, into a new directory, and refuses an existing one", async () => {
    const lab = await mkdtemp(join(tmpdir(), 'atm-rig-hostkeys-'));
    const bankFile = join(lab, 'bank.sqlite');
    await prepareBusSecurity(['atm-1', 'atm-2'], lab, { iterations: 10 });
    const bank = await createBankService({ file: bankFile, hashCost: { logN: 4, r: 8, p: 1 } });
    await bank.close();
    const running = await startBank({ file: bankFile, hashCost: { logN: 4, r: 8, p: 1 } });
    await running.provisionAtms(['atm-1', 'atm-2']);
    await running.close();

    const out = join(lab, 'host-a');
    const [keyring, atmKeys] = await exportHostKeys({ bankFile, atmIds: ['atm-1'], out });
    expect(Object.keys(JSON.parse(await readFile(keyring!, 'utf8')) as object).every((u) => u.startsWith('atm-1.'))).toBe(true);
    expect(Object.keys(JSON.parse(await readFile(atmKeys!, 'utf8')) as object)).toEqual(['atm-1']);
    expect((await stat(keyring!)).mode & 0o777).toBe(0o600);
    await expect(exportHostKeys({ bankFile, atmIds: ['atm-1'], out })).rejects.toThrow(/exists: host keys go into a new directory/);

    const elsewhere = join(lab, 'someone-elses');
    await mkdir(elsewhere);
    await symlink(elsewhere, join(lab, 'link'));
    await expect(exportHostKeys({ bankFile, atmIds: ['atm-2'], out: join(lab, 'link') })).rejects.toThrow(/exists/);
  });
});
