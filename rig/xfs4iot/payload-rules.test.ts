// Payloads the face used to take silently (the attack review): a `__proto__` key, dropped by the copy it parsed
// into, and a Denominate or Dispense naming both the application's mix and the service's, where the app's won. Both
// now complete invalidData.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { XfsClient } from './client.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
let cash: XfsClient;
beforeAll(async () => {
  face = await startFaceRig();
  cash = await face.connect('CashDispenser');
});
afterAll(async () => {
  await cash?.close();
  await face?.rig.close();
});

it('a __proto__ key, at the top or deeper, completes invalidData naming it', async () => {
  // JSON.parse makes `__proto__` an own key, which JSON.stringify (the client) sends as it is.
  const top = await cash.command('Common.Status', JSON.parse('{"__proto__": {"polluted": true}}') as object);
  expect(top.completionCode).toBe('invalidData');
  expect(top.errorDescription).toContain('payload.__proto__');
  const request = JSON.parse('{"denomination": {"service": {"currencies": {"ZMW": 100}}}, "__proto__": {}}') as object;
  const deeper = await cash.command('CashDispenser.Denominate', { request });
  expect(deeper.completionCode).toBe('invalidData');
  expect(deeper.errorDescription).toContain('payload.request.__proto__');
  expect(Object.prototype).not.toHaveProperty('polluted');
});

it("a denomination with both the app's and the service's mix completes invalidData, Denominate and Dispense", async () => {
  const both = { app: { currencies: { ZMW: 200 }, counts: { unit1: 2 } }, service: { currencies: { ZMW: 500 } } };
  const denominate = await cash.command('CashDispenser.Denominate', { request: { denomination: both } });
  expect(denominate).toMatchObject({ completionCode: 'invalidData', errorDescription: 'denomination: app or service, not both' });
  const dispense = await cash.command('CashDispenser.Dispense', { denomination: { denomination: both } });
  expect(dispense.completionCode).toBe('invalidData');
  // Either alone is still a request.
  const app = await cash.command('CashDispenser.Denominate', { request: { denomination: { app: both.app } } });
  expect(app.payload).toEqual({ result: { currencies: { ZMW: 200 }, values: { unit1: 2 } } });
  expect(face.problems).toEqual([]);
  expect(cash.invalid).toEqual([]);
});
