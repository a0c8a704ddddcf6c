// A bank that fails to start after it began listening (its staff file cannot be written) leaves nothing behind: not
// its port, not its place in this process's in-memory servers, not its data file (a retry may take it).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../../core/free-port.ts';
import { inProcessServer } from '../../core/in-process-servers.ts';
import { startBank } from './index.ts';

const dir = await mkdtemp(join(tmpdir(), 'atm-rig-bank-fails-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

it('a bank whose start fails after listening answers nobody, on its port or in memory', async () => {
  await mkdir(join(dir, 'staff.json')); // a directory where the staff file must go
  const port = await freePort();
  await expect(startBank({ port, file: join(dir, 'bank.sqlite'), hashCost: { logN: 10, r: 8, p: 1 } })).rejects.toThrow(
    /staff\.json|EISDIR/,
  );
  expect(inProcessServer(`http://127.0.0.1:${port}`)).toBeUndefined();
  const refused = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
  expect(refused).toBe(true);
});
