// One-service users (the attack review: an `xfs4iot:` fingerprint was given the ATM's controller credential, which
// opens every service of the ATM, the cash dispenser too). `atm-1.Biometric` opens atm-1's Biometric service and
// nothing else, and discovers only it; its password is kept in <data>/xfs4iot/credentials.json, mode 0600.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { basicAuthorization } from './auth.ts';
import { XfsClient } from './client.ts';
import { loadServiceUsers } from './service-users.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
beforeAll(async () => {
  face = await startFaceRig([{ id: 'atm-1' }, { id: 'atm-2' }]);
});
afterAll(() => face?.rig.close());

const uri = (name: string) => face.rig.xfs4iot!.services.find((s) => s.name === name)!.uri;
const biometricUser = () => {
  const u = face.rig.xfs4iot!.serviceUsers.find((s) => s.username === 'atm-1.Biometric')!;
  return { authorization: basicAuthorization(u.username, u.password) };
};

it('the Biometric user opens the Biometric service, and discovers only it', async () => {
  const bio = await XfsClient.connect(uri('atm-1.Biometric'), biometricUser());
  expect((await bio.command('Common.Status')).completionCode).toBe('success');
  const publisher = await XfsClient.connect(face.rig.xfs4iot!.publisherUrl, biometricUser());
  const listed = (await publisher.command('ServicePublisher.GetServices')).payload.services as { serviceURI: string }[];
  expect(listed.map((s) => s.serviceURI)).toEqual([uri('atm-1.Biometric')]);
  await Promise.all([bio.close(), publisher.close()]);
});

it('the Biometric user cannot open the CashDispenser, any other service, or another ATM: 403', async () => {
  for (const name of ['atm-1.CashDispenser', 'atm-1.Keyboard', 'atm-1.CardReader', 'atm-2.Biometric'])
    await expect(XfsClient.connect(uri(name), biometricUser())).rejects.toMatchObject({ statusCode: 403 });
  // The controller credential still opens every service of its ATM.
  const cash = await face.connect('CashDispenser');
  expect((await cash.command('Common.Status')).completionCode).toBe('success');
  await cash.close();
  expect(face.problems).toEqual([]);
});

it('keeps the passwords in <data>/xfs4iot/credentials.json (0600), the same on the next start', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'xfs-users-'));
  try {
    const services = [{ atmId: 'atm-1', name: 'atm-1.Biometric' }];
    const first = await loadServiceUsers(dir, services);
    expect(first.file).toBe(join(dir, 'xfs4iot', 'credentials.json'));
    expect((await stat(first.file!)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(first.file!, 'utf8'))).toEqual({ 'atm-1.Biometric': first.users[0]!.password });
    expect((await loadServiceUsers(dir, services)).users).toEqual(first.users);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
