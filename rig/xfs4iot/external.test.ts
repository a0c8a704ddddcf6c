// External controller mode (#14 item 3) and the face over TLS: an ATM with `controller: external` has no rig
// controller (no session state, nothing drawn on its LCD but what the application writes), the live view shows its
// LCD, another ATM of the same rig keeps the rig's controller; with `broker.tls` the face is wss:// on the broker's
// certificate.
import { PassThrough } from 'node:stream';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AtmClient } from '../atm-client.ts';
import { startLiveView } from '../live-view.ts';
import { basicAuthorization } from './auth.ts';
import { XfsClient } from './client.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
let dir: string;
beforeAll(async () => {
  // On disk, so the self-signed certificate is there to pin.
  dir = await mkdtemp(join(tmpdir(), 'atm-rig-xfs-'));
  face = await startFaceRig([{ id: 'atm-1' }, { id: 'atm-2', controller: 'rig' }], {
    broker: { port: 0, wsPort: null, hashIterations: 10, tls: { port: 0, wsPort: null } },
    bank: { port: 0, file: join(dir, 'bank.json'), hashLogN: 10 },
  });
});
afterAll(async () => {
  await face?.rig.close();
  await rm(dir, { recursive: true, force: true });
});

it('the rig runs no controller for an external ATM; the application draws the LCD; the live view shows it', async () => {
  expect(face.rig.atms.map((a) => [a.id, a.controller !== undefined])).toEqual([
    ['atm-1', false],
    ['atm-2', true],
  ]);
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const view = await startLiveView(face.rig, ['header'], { plain: true, out: out as unknown as NodeJS.WriteStream });
  const external = await AtmClient.connect(face.rig.brokerUrl, 'atm-1', face.rig.bus.simulator);
  const ruled = await AtmClient.connect(face.rig.brokerUrl, 'atm-2', face.rig.bus.simulator);
  await ruled.untilScreen('welcome');
  expect(face.rig.xfs4iot!.publisherUrl).toMatch(/^wss:\/\//);
  const ca = await readFile(face.rig.tlsCertPath!, 'utf8');
  const uri = face.rig.xfs4iot!.services.find((s) => s.name === 'atm-1.TextTerminal')!.uri;
  const c = face.rig.bus.internal.get('atm-1.controller')!;
  // Without the certificate pinned, TLS refuses the self-signed face.
  await expect(XfsClient.connect(uri, { authorization: basicAuthorization(c.username, c.password) })).rejects.toThrow();
  const tt = await XfsClient.connect(uri, { authorization: basicAuthorization(c.username, c.password), ca });
  await tt.command('TextTerminal.Write', { mode: 'absolute', posX: 0, posY: 1, text: 'Hello from outside' });
  await external.untilLcd('Hello from outside');
  // Retained session state would have come with the subscription: an external ATM has none.
  expect(external.session).toBeUndefined();
  for (let i = 0; i < 200 && !/^atm-1 external application \(XFS4IoT\) \| {2}\| Hello from outside/m.test(text); i++)
    await new Promise((r) => setTimeout(r, 25));
  expect(text).toMatch(/^atm-1 external application \(XFS4IoT\) \| {2}\| Hello from outside/m);
  await tt.close();
  await view.close();
  await external.close();
  await ruled.close();
  expect(face.problems).toEqual([]);
});
