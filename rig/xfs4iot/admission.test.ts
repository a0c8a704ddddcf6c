// Half-open sockets (the attack review: 300 from one address, never sending an upgrade, kept the real application
// out of the face's 256; the re-review: 16 from each of 20 addresses did too). Per address and in all only the
// newest few sockets may wait for their upgrade, the oldest making room, and none for more than 5 s: an application
// still connects, and the idle ones go.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMISSION_LIMITS } from './admission.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
const idle: Socket[] = [];
beforeAll(async () => {
  face = await startFaceRig();
});
afterAll(async () => {
  for (const s of idle) s.destroy();
  await face?.rig.close();
});

const until = async (test: () => boolean, what: string, limitMs = 10_000) => {
  for (const start = Date.now(); !test(); await new Promise((r) => setTimeout(r, 20)))
    if (Date.now() - start > limitMs) throw new Error(`never happened: ${what}`);
};

it('300 idle sockets from one address: the application still connects, and the idle ones are dropped', async () => {
  const { port } = face.rig.xfs4iot!;
  let closed = 0;
  await Promise.all(
    Array.from({ length: 300 }, () => {
      const s = connect({ host: '127.0.0.1', port });
      idle.push(s);
      s.on('error', () => undefined);
      s.on('close', () => closed++);
      return new Promise<void>((resolve) => s.once('connect', () => resolve()).once('close', () => resolve()));
    }),
  );
  // Accepted after the 300, the application pushes out the oldest socket still waiting, as each of them did.
  const app = await face.connect('Keyboard');
  expect((await app.command('Common.Status')).completionCode).toBe('success');
  await until(() => closed >= 300 - ADMISSION_LIMITS.maxPending, 'the oldest idle sockets dropped');

  // The rest go when their time to upgrade is up; the application's connection stays.
  await until(() => closed === 300, 'every idle socket dropped', ADMISSION_LIMITS.upgradeMs + 10_000);
  expect((await app.command('Common.Status')).completionCode).toBe('success');
  await app.close();
}, 40_000);

it('16 idle sockets from each of 20 addresses: the application still connects; at most 48 wait in all', async () => {
  const { port } = face.rig.xfs4iot!;
  const mine: Socket[] = [];
  let closed = 0;
  // One address after another, each at its own limit of 16: only the limit across addresses holds them back.
  await Promise.all(
    Array.from({ length: 20 * ADMISSION_LIMITS.maxPending }, (_, i) => {
      const s = connect({ host: '127.0.0.1', port, localAddress: `127.0.1.${1 + (i % 20)}` });
      mine.push(s);
      s.on('error', () => undefined);
      s.on('close', () => closed++);
      return new Promise<void>((resolve) => s.once('connect', () => resolve()).once('close', () => resolve()));
    }),
  );
  const app = await face.connect('Keyboard');
  expect((await app.command('Common.Status')).completionCode).toBe('success');
  await until(() => mine.length - closed <= ADMISSION_LIMITS.maxPendingTotal, 'the oldest idle sockets dropped');
  expect(ADMISSION_LIMITS.maxPendingTotal).toBeLessThanOrEqual(ADMISSION_LIMITS.maxSockets / 4);
  await app.close();
  for (const s of mine) s.destroy();
  await until(() => closed === mine.length, 'every idle socket closed');
});
