// Property tests: fast-check fuzzes the XFS4IoT envelope over a real WebSocket to a real rig's face. Whatever a
// client sends (any JSON, broken JSON, bytes, deep nesting, near-valid envelopes with odd names, ids, versions,
// timeouts and payloads), the face answers each frame with exactly one acknowledge, sends only messages its catalog
// accepts, never refuses one of its own, and keeps serving; the balances stay put.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from './messages/catalog.ts';
import type { XfsClient } from './client.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
beforeAll(async () => {
  face = await startFaceRig();
  await fetch(`${face.rig.bank.url}/staff/seed`, { method: 'POST', headers: await face.rig.bank.staffHeaders() });
});
afterAll(() => face?.rig.close());

const names = fc.oneof(
  fc.constantFrom(...COMMANDS.keys(), 'Foo.Bar', 'Common.Status', 'CashDispenser.Dispense'),
  fc.string({ maxLength: 60 }),
);
const requestIds = fc.oneof(
  fc.integer({ min: -5, max: 2 ** 31 }),
  fc.double(),
  fc.string({ maxLength: 5 }),
  fc.constant(null),
  fc.constant(0),
);
const header = fc.record(
  {
    name: names,
    requestId: requestIds,
    type: fc.oneof(
      fc.constant('command'),
      fc.constantFrom('event', 'completion', 'acknowledge', 'unsolicited'),
      fc.string({ maxLength: 10 }),
    ),
    version: fc.oneof(fc.constantFrom('2.0', '3.0', '2.1', '9.0'), fc.string({ maxLength: 8 })),
    timeout: fc.oneof(fc.integer({ min: -1, max: 200 }), fc.double(), fc.string({ maxLength: 4 })),
    status: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: ['name', 'type', 'version'] },
);
const payload = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({
    dataTypes: fc.array(fc.record({ format: fc.constantFrom('reservedTemplate1', 'isoFmd', '__proto__') })),
    numCaptures: fc.oneof(fc.integer(), fc.string()),
    activeKeys: fc.dictionary(fc.constantFrom('enter', 'zero', '__proto__', 'constructor', 'x'), fc.record({ terminate: fc.boolean() })),
    text: fc.string({ maxLength: 40 }),
    denomination: fc.record({
      denomination: fc.record({
        service: fc.record({ currencies: fc.dictionary(fc.constantFrom('ZMW', 'EUR', '__proto__'), fc.double()) }),
      }),
    }),
  }),
);
const frames = fc.oneof(
  fc.record({ header, payload }).map((m) => JSON.stringify(m)),
  fc.jsonValue().map((j) => JSON.stringify(j)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)),
  fc.integer({ min: 1, max: 5000 }).map((depth) => '{"header":'.repeat(depth) + '1' + '}'.repeat(depth)),
  fc
    .string({ minLength: 10_000, maxLength: 100_000 })
    .map((s) => JSON.stringify({ header: { name: s, requestId: 1, type: 'command', version: '2.0' } })),
);

/** Send a frame, then a probe; the frame's answers have all been sent once the probe is acknowledged. */
async function exchange(client: XfsClient, frame: string | Buffer, probeId: number): Promise<number> {
  const before = client.received.length;
  client.sendRaw(frame);
  const probe = await client.command('Common.Status', {}, { requestId: probeId });
  expect(probe.completionCode).toBe('success');
  const between = client.received.slice(before);
  const probeAck = between.findIndex((m) => m.header.type === 'acknowledge' && m.header.requestId === probeId);
  return between.slice(0, probeAck).filter((m) => m.header.type === 'acknowledge').length;
}

describe('fuzzing the envelope', () => {
  for (const service of ['Biometric', 'CashDispenser', 'TextTerminal']) {
    it(`${service}: one acknowledge per frame, only valid messages, never a crash`, async () => {
      const total = () => face.rig.bank.service.snapshot().accounts.reduce((s, a) => s + a.balance, 0);
      const before = total();
      const client = await face.connect(service);
      let probeId = 2 ** 40;
      await fc.assert(
        fc.asyncProperty(frames, async (frame) => {
          expect(await exchange(client, frame, probeId++)).toBe(1);
        }),
        { numRuns: 300 },
      );
      expect((await client.command('Common.Cancel')).completionCode).toMatch(/success|commandErrorCode/);
      expect(client.invalid).toEqual([]);
      expect(face.problems).toEqual([]);
      expect(total()).toBe(before);
      await client.close();
    });
  }
});
