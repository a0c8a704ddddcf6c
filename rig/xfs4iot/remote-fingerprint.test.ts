// The other direction (#14 item 5): a second rig whose fingerprint is `xfs4iot:` the first rig's Biometric service.
// The second rig's own controller runs a seed001 session; the finger is placed on the first rig's sensor and reaches
// the second rig through XFS4IoT, logged in as the Biometric service's own user. Its credentials stay out of the
// device's state.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AtmClient } from '../atm-client.ts';
import { startRig, type Rig } from '../rig.ts';
import { maskSpec, parseXfs4iotSpec } from './remote-fingerprint.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let first: FaceRig;
let second: Rig | undefined;
beforeAll(async () => {
  first = await startFaceRig();
});
afterAll(async () => {
  await second?.close();
  await first?.rig.close();
});

it('parses the spec, keeping the password out of what it shows', () => {
  const parsed = parseXfs4iotSpec('xfs4iot:ws://atm-1.Biometric:s%3Acret@127.0.0.1:5846/xfs4iot/v1.0/atm-1.Biometric/');
  expect(parsed).toEqual({
    url: 'ws://127.0.0.1:5846/xfs4iot/v1.0/atm-1.Biometric/',
    authorization: `Basic ${Buffer.from('atm-1.Biometric:s:cret').toString('base64')}`,
  });
  expect(maskSpec('xfs4iot:ws://atm-1.controller:secret@h:1/x/')).toBe('xfs4iot:ws://atm-1.controller:***@h:1/x/');
});

it("a second rig's controller reads fingers through the first rig's XFS4IoT Biometric service", async () => {
  // The Biometric service's own user, not the ATM's controller credential (which would open the cash dispenser too).
  const c = first.rig.xfs4iot!.serviceUsers.find((u) => u.username === 'atm-1.Biometric')!;
  const biometric = new URL(first.rig.xfs4iot!.services.find((s) => s.name === 'atm-1.Biometric')!.uri);
  biometric.username = c.username;
  biometric.password = c.password;
  second = await startRig({
    seed: 11,
    broker: { port: 0, wsPort: null, hashIterations: 10 },
    bank: { port: 0, file: ':memory:', hashLogN: 10 },
    atms: [{ id: 'atm-9', profile: 'seed001', devices: { fingerprint: `xfs4iot:${biometric.toString()}` }, gsm: { deliveryDelayMs: 5 } }],
  });
  await fetch(`${second.bank.url}/staff/seed`, { method: 'POST', headers: await second.bank.staffHeaders() });
  const atThe = await AtmClient.connect(second.brokerUrl, 'atm-9', second.bus.simulator);
  const atTheSensor = await AtmClient.connect(first.rig.brokerUrl, 'atm-1', first.rig.bus.simulator);
  // In service once the remote sensor is connected and online.
  await atThe.untilScreen('welcome', 10_000);
  const state = atThe.messages.findLast((m) => m.topic === 'atm/atm-9/fingerprint/state')!.payload;
  expect(state).toMatchObject({ online: true, link: 'up', impl: `xfs4iot:${biometric.toString().replace(/\/\/[^@]*@/, '//')}` });
  expect(JSON.stringify(state)).not.toContain(c.password);
  await atThe.press('ENTER');
  const { requestedFinger } = await atThe.untilScreen('place-finger');
  await atTheSensor.placeFinger(requestedFinger!, 'C0001');
  await atThe.untilScreen('enter-pin');
  expect(atThe.session).toMatchObject({ customerId: 'C0001' });
  await atThe.press('CANCEL');
  await atThe.untilScreen('goodbye');
  await atThe.close();
  await atTheSensor.close();
  expect(first.problems).toEqual([]);
});
