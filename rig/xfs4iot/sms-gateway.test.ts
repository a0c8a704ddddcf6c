// The OTP's SMS for an application over XFS4IoT (docs/xfs4iot.md, docs/api.md): `POST /otp` with `send: true` has the
// bank send it through the calling ATM's own modem over the topic contract; the code is not in the answer. Only to
// the customer the ATM's session holds (else 403). A modem that refuses makes it 502; staff (no ATM) get 400; a rig
// without the face has no gateway (503).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AtmClient, otpFromSms } from '../atm-client.ts';
import { basicAuth } from '../bank/client-auth.ts';
import { startRig } from '../rig.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
beforeAll(async () => {
  face = await startFaceRig([{ id: 'atm-1' }, { id: 'atm-2' }]);
  await fetch(`${face.rig.bank.url}/staff/seed`, { method: 'POST', headers: await face.rig.bank.staffHeaders() });
});
afterAll(() => face?.rig.close());

const post = (path: string) => (url: string, authorization: Record<string, string>, body: object) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...authorization }, body: JSON.stringify(body) });
const otp = post('/otp');
/** The ATM's session identifies the customer by her card: the bank holds her for it. */
const identify = (atmId: string, pan: string) =>
  post('/auth/card')(face.rig.bank.url, { authorization: basicAuth(atmId, face.rig.atmKeys.get(atmId)!) }, { pan });
const ALICE_PAN = '4000001234567899';

it("sends through the ATM's modem; the answer has no code; a refusing modem is 502", async () => {
  const person = await AtmClient.connect(face.rig.brokerUrl, 'atm-1', face.rig.bus.simulator);
  const atm = { authorization: basicAuth('atm-1', face.rig.atmKeys.get('atm-1')!) };
  expect(await (await identify('atm-1', ALICE_PAN)).json()).toMatchObject({ ok: true, customerId: 'C0001' });
  const sent = await otp(face.rig.bank.url, atm, { customerId: 'C0001', length: 6, send: true });
  expect(sent.status).toBe(201);
  const body = (await sent.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['expiresAt', 'otpId', 'sent', 'to']);
  const sms = await person.untilSms('+260971000001');
  expect(sms.from).toBe('+260970000000');
  const verified = await fetch(`${face.rig.bank.url}/otp/${String(body.otpId)}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...atm },
    body: JSON.stringify({ code: otpFromSms(sms.text) }),
  });
  expect(await verified.json()).toEqual({ ok: true });

  await person.client.publishAsync('atm/atm-1/gsm/sim/fault', JSON.stringify({ mode: 'error', cmsError: 500 }), { qos: 1 });
  await person.until(() => person.messages.some((m) => m.topic === 'atm/atm-1/gsm/state' && m.payload.fault === 'error'), 'the fault');
  const refused = await otp(face.rig.bank.url, atm, { customerId: 'C0001', length: 6, send: true });
  expect(refused.status).toBe(502);
  expect(await refused.json()).toMatchObject({ error: 'sms-failed' });
  await person.close();

  const staff = await otp(face.rig.bank.url, await face.rig.bank.staffHeaders(), { customerId: 'C0001', send: true });
  expect(staff.status).toBe(400);
});

it('sends only to the customer the calling ATM holds: another customer, another ATM, an ended session are 403', async () => {
  const key = (atmId: string) => ({ authorization: basicAuth(atmId, face.rig.atmKeys.get(atmId)!) });
  await identify('atm-1', ALICE_PAN);
  const send = (atmId: string, customerId: string) => otp(face.rig.bank.url, key(atmId), { customerId, send: true });
  for (const [atmId, customerId] of [
    ['atm-1', 'C0002'],
    ['atm-2', 'C0001'],
  ] as const) {
    const refused = await send(atmId, customerId);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'no-session' });
  }
  await post('/auth/session-ended')(face.rig.bank.url, key('atm-1'), {});
  expect((await send('atm-1', 'C0001')).status).toBe(403);
  // Nor does it get the code to send itself (as the rig's controller does) for a customer it does not hold: an ATM key
  // must not learn any customer's code and phone (the attacker's second review).
  expect((await otp(face.rig.bank.url, key('atm-1'), { customerId: 'C0002' })).status).toBe(403);
});

it('a rig without the XFS4IoT face has no SMS gateway: 503', async () => {
  const rig = await startRig({ broker: { port: 0, wsPort: null, hashIterations: 10 }, bank: { port: 0, file: ':memory:', hashLogN: 4 } });
  try {
    await fetch(`${rig.bank.url}/staff/seed`, { method: 'POST', headers: await rig.bank.staffHeaders() });
    const res = await otp(
      rig.bank.url,
      { authorization: basicAuth('atm-1', rig.atmKeys.get('atm-1')!) },
      { customerId: 'C0001', send: true },
    );
    expect(res.status).toBe(503);
  } finally {
    await rig.close();
  }
});
