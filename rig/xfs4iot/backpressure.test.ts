// A client that sends commands and never reads its socket (the attack review: 150k Common.GetStorage-like frames
// grew the rig from 133 to 401 MB). Answers count against the 64 open commands until they have left for the
// network, so the rest are refused tooManyRequests; and once more than 1 MiB waits for it, the connection is closed
// with 1008. Another client is served throughout.
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NOT_READING } from './connection.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
beforeAll(async () => {
  face = await startFaceRig();
});
afterAll(() => face?.rig.close());

const until = async (test: () => boolean, what: string, limitMs = 60_000) => {
  for (const start = Date.now(); !test(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() - start > limitMs) throw new Error(`never happened: ${what}`);
};

it('a client that never reads is refused tooManyRequests, then closed with 1008; the face serves others', async () => {
  const uri = face.rig.xfs4iot!.services.find((s) => s.name === 'atm-1.CashDispenser')!.uri;
  const ws = new WebSocket(uri, { headers: { authorization: face.authorization() }, perMessageDeflate: false });
  await new Promise((r) => ws.once('open', r));
  const before = face.rig.xfs4iot!.connections();
  ws.pause(); // reads nothing from here on
  const frame = (requestId: number) =>
    JSON.stringify({ header: { name: 'Common.Capabilities', requestId, type: 'command', version: '2.0' } });
  // Send until the face lets go of the connection; the limit only stops a broken face from running forever.
  let sent = 0;
  while (face.rig.xfs4iot!.connections() === before && sent < 400_000) {
    for (let i = 0; i < 1000; i++) ws.send(frame(++sent));
    await until(() => ws.bufferedAmount < 256 * 1024, 'the client sent its frames');
  }
  expect(face.rig.xfs4iot!.connections()).toBe(before - 1);

  // Read at last: what waited for it, then the close.
  const received: string[] = [];
  ws.on('message', (data) => {
    const header = (JSON.parse(String(data)) as { header: { type: string; status?: string } }).header;
    received.push(header.type === 'completion' ? 'completion' : (header.status ?? 'accepted'));
  });
  const closed = new Promise<[number, string]>((r) => ws.once('close', (code, reason) => r([code, String(reason)])));
  ws.resume();
  const [code, reason] = await closed;
  expect(code).toBe(NOT_READING);
  expect(reason).toContain('not reading');
  // Once the network's buffers were full, no answer left, so no command was taken beyond the 64: what waited last
  // for the client was refusals only, not answers (without counting them, every burst of frames had 64 answered).
  expect(received.slice(-2000).filter((m) => m !== 'tooManyRequests')).toEqual([]);

  const other = await face.connect('CashDispenser');
  expect((await other.command('Common.Status')).completionCode).toBe('success');
  await other.close();
  expect(face.problems).toEqual([]);
});
