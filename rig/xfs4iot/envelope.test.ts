// The XFS4IoT envelope on a real rig (shared/reference/xfs4iot.md §1-§2): discovery, login, acknowledge / events /
// completion, the per-service queue, timeouts, Common.Cancel, a client that leaves, and the spec's answers to
// malformed and hostile frames. Every message the clients receive is checked against the catalog, and the face
// reports none it refused to send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AtmClient } from '../atm-client.ts';
import { AckRefused, XfsClient } from './client.ts';
import { MAX_OPEN_PER_CONNECTION } from './connection.ts';
import { MAX_FRAME_BYTES } from './server.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
let person: AtmClient;
const clients: XfsClient[] = [];
const connect = async (service?: string, atmId?: string) => {
  const c = await face.connect(service, atmId);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  face = await startFaceRig([{ id: 'atm-1' }, { id: 'atm-2' }]);
  person = await AtmClient.connect(face.rig.brokerUrl, 'atm-1', face.rig.bus.simulator);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await person?.close();
  await face?.rig.close();
});

/** The next message on a raw socket. */
const nextFrame = (ws: WebSocket) =>
  new Promise<Record<string, unknown>>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));

describe('discovery and login', () => {
  it('the publisher lists the services of the ATM whose credential logged in, and each says what it implements', async () => {
    const publisher = await connect();
    const services = await publisher.command('ServicePublisher.GetServices');
    expect(services.completionCode).toBe('success');
    const uris = (services.payload.services as { serviceURI: string }[]).map((s) => s.serviceURI);
    expect(uris.map((u) => u.replace(/^.*\/xfs4iot\/v1\.0\//, ''))).toEqual([
      'atm-1.Biometric/',
      'atm-1.Keyboard/',
      'atm-1.TextTerminal/',
      'atm-1.CashDispenser/',
      'atm-1.CardReader/',
    ]);
    expect(uris[0]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/xfs4iot\/v1\.0\/atm-1\.Biometric\/$/);
    const cash = await XfsClient.connect(uris[3]!, { authorization: face.authorization() });
    clients.push(cash);
    const caps = await cash.command('Common.Capabilities');
    const interfaces = caps.payload.interfaces as { name: string; commands: Record<string, unknown>; events: Record<string, unknown> }[];
    expect(interfaces.map((i) => i.name)).toEqual(['Common', 'CashDispenser', 'CashManagement', 'Storage']);
    expect(Object.keys(interfaces[0]!.commands).sort()).toEqual(['Common.Cancel', 'Common.Capabilities', 'Common.Status']);
    expect(Object.keys(interfaces[1]!.commands).sort()).toEqual([
      'CashDispenser.Denominate',
      'CashDispenser.Dispense',
      'CashDispenser.GetMixTypes',
      'CashDispenser.Present',
    ]);
    expect(Object.keys(interfaces[2]!.events)).toEqual(['CashManagement.ItemsTakenEvent']);
    const status = await cash.command('Common.Status');
    expect(status.payload).toMatchObject({ common: { device: 'online' }, cashManagement: { dispenser: 'ok' } });
  });

  it('refuses a client without the ATM controller credential, and one of another ATM', async () => {
    const uri = face.rig.xfs4iot!.services.find((s) => s.name === 'atm-1.Keyboard')!.uri;
    await expect(XfsClient.connect(uri)).rejects.toMatchObject({ statusCode: 401 });
    await expect(
      XfsClient.connect(uri, { authorization: 'Basic ' + Buffer.from('atm-1.controller:guess').toString('base64') }),
    ).rejects.toMatchObject({
      statusCode: 401,
    });
    await expect(XfsClient.connect(uri, { authorization: face.authorization('atm-2') })).rejects.toMatchObject({ statusCode: 403 });
    await expect(
      XfsClient.connect(uri.replace('atm-1.Keyboard', 'atm-1.Nothing'), { authorization: face.authorization() }),
    ).rejects.toMatchObject({
      statusCode: 404,
    });
    // atm-2's application discovers atm-2's services only.
    const other = await connect(undefined, 'atm-2');
    const listed = (await other.command('ServicePublisher.GetServices')).payload.services as { serviceURI: string }[];
    expect(listed.every((s) => s.serviceURI.includes('/atm-2.'))).toBe(true);
    // Plain HTTP gets 400, as KAL answers.
    expect((await fetch(face.rig.xfs4iot!.publisherUrl.replace('ws:', 'http:'))).status).toBe(400);
  });
});

describe('the envelope', () => {
  it('answers malformed frames with the spec acknowledge, and keeps serving', async () => {
    const ws = new WebSocket(face.rig.xfs4iot!.services[0]!.uri, { headers: { authorization: face.authorization() } });
    await new Promise((r) => ws.once('open', r));
    const ack = async (frame: string) => {
      const answer = nextFrame(ws);
      ws.send(frame);
      return (await answer).header as Record<string, unknown>;
    };
    expect(await ack('{"header": ')).toEqual({ name: '', requestId: 0, type: 'acknowledge', version: '', status: 'invalidMessage' });
    expect(await ack('[1,2]')).toMatchObject({ status: 'invalidMessage' });
    const cmd = (header: object) => JSON.stringify({ header: { name: 'Common.Status', type: 'command', version: '2.0', ...header } });
    expect(await ack(cmd({ requestId: 0 }))).toMatchObject({ name: 'Common.Status', requestId: 0, status: 'invalidRequestID' });
    expect(await ack(cmd({ requestId: '7' }))).toMatchObject({ status: 'invalidRequestID' });
    expect(await ack(cmd({ requestId: 1.5 }))).toMatchObject({ status: 'invalidRequestID' });
    expect(await ack(cmd({}))).toMatchObject({ status: 'invalidRequestID' });
    expect(await ack(cmd({ requestId: 3, type: 'event' }))).toMatchObject({ status: 'invalidMessage' });
    expect(await ack(cmd({ requestId: 3, colour: 'red' }))).toMatchObject({ requestId: 3, status: 'invalidMessage' });
    expect(await ack(cmd({ requestId: 3, timeout: -1 }))).toMatchObject({ status: 'invalidMessage' });
    ws.close();
  });

  it('an unknown command, one of another interface or another major version: acknowledged, then unsupportedCommand', async () => {
    const bio = await connect('Biometric');
    expect((await bio.command('Foo.Bar')).completionCode).toBe('unsupportedCommand');
    expect((await bio.command('Keyboard.DataEntry', { activeKeys: { enter: { terminate: true } } })).completionCode).toBe(
      'unsupportedCommand',
    );
    expect((await bio.command('Biometric.SetMatch', { compareMode: 'verify' })).completionCode).toBe('unsupportedCommand');
    expect((await bio.command('Common.Status', {}, { version: '9.0' })).completionCode).toBe('unsupportedCommand');
    // The same major version in another minor is spoken.
    expect((await bio.command('Common.Status', {}, { version: '2.3' })).completionCode).toBe('success');
    const acks = bio.received.filter((m) => m.header.type === 'acknowledge' && m.header.name === 'Foo.Bar');
    expect(acks).toHaveLength(1);
  });

  it('a payload its schema refuses completes invalidData, naming the field; unknown keys are refused', async () => {
    const bio = await connect('Biometric');
    const bad = await bio.command('Biometric.Read', { numCaptures: 'one' });
    expect(bad).toMatchObject({ completionCode: 'invalidData' });
    expect(bad.errorDescription).toContain('numCaptures');
    expect((await bio.command('Biometric.Read', { colour: 'red' })).completionCode).toBe('invalidData');
    expect((await bio.command('Common.Status', { please: true })).completionCode).toBe('invalidData');
  });

  it('a requestId already open on the connection is refused; another connection may use it', async () => {
    const a = await connect('Biometric');
    const b = await connect('Biometric');
    // The client cannot tell the two 42s apart: the refusal rejects its Read; the face's Read 42 runs on.
    void a.command('Biometric.Read', {}, { requestId: 42 }).catch(() => undefined);
    await waitFor(() => a.received.some((m) => m.header.type === 'acknowledge' && m.header.requestId === 42));
    a.sendRaw(JSON.stringify({ header: { name: 'Common.Status', requestId: 42, type: 'command', version: '2.0' } }));
    await waitFor(() => a.received.some((m) => m.header.type === 'acknowledge' && m.header.status === 'invalidRequestID'));
    expect(a.received.filter((m) => m.header.type === 'acknowledge' && m.header.requestId === 42).map((m) => m.header)).toEqual([
      { name: 'Biometric.Read', requestId: 42, type: 'acknowledge', version: '2.0' },
      { name: 'Common.Status', requestId: 42, type: 'acknowledge', version: '2.0', status: 'invalidRequestID' },
    ]);
    expect((await b.command('Common.Status', {}, { requestId: 42 })).completionCode).toBe('success');
    expect((await a.command('Common.Cancel', { requestIds: [42] })).completionCode).toBe('success');
    await waitFor(() =>
      a.received.some((m) => m.header.type === 'completion' && m.header.requestId === 42 && m.header.completionCode === 'canceled'),
    );
  });

  it('a frame over 1 MiB closes the connection (1009); the service goes on', async () => {
    const ws = new WebSocket(face.rig.xfs4iot!.services[0]!.uri, { headers: { authorization: face.authorization() } });
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(await closed).toBe(1009);
    expect((await (await connect('Biometric')).command('Common.Status')).completionCode).toBe('success');
  });

  it(`at most ${MAX_OPEN_PER_CONNECTION} commands open per connection: more are acknowledged tooManyRequests`, async () => {
    const kb = await connect('Keyboard');
    const entries = Array.from({ length: MAX_OPEN_PER_CONNECTION }, () =>
      kb.command('Keyboard.DataEntry', { activeKeys: { enter: { terminate: true } } }),
    );
    await expect(kb.command('Common.Status')).rejects.toEqual(new AckRefused('tooManyRequests'));
    expect((await kb.command('Common.Cancel')).completionCode).toBe('success');
    expect(new Set((await Promise.all(entries)).map((c) => c.completionCode))).toEqual(new Set(['canceled']));
  });
});

describe('queue, timeout, cancel', () => {
  it('one command at a time per service across connections; Status bypasses the queue; events carry the requestId', async () => {
    const a = await connect('Biometric');
    const b = await connect('Biometric');
    const eventsA: string[] = [];
    const first = a.command('Biometric.Read', { dataTypes: [{ format: 'reservedTemplate1' }] }, { onEvent: (n) => eventsA.push(n) });
    const second = b.command('Biometric.Read', { dataTypes: [{ format: 'reservedTemplate1' }] });
    // While a Read waits for a finger, Status is answered at once.
    expect((await b.command('Common.Status')).payload).toMatchObject({ common: { device: 'online' }, biometric: { subject: 'unknown' } });
    await waitFor(() => eventsA.includes('Biometric.PresentSubjectEvent'));
    await person.placeFinger(3, 'C0001');
    const r1 = await first;
    expect(r1.completionCode).toBe('success');
    expect(eventsA).toEqual(['Biometric.PresentSubjectEvent', 'Biometric.SubjectDetectedEvent']);
    // The second Read started only after the first: it needs a finger of its own.
    await waitFor(() => b.received.some((m) => m.header.type === 'event' && m.header.name === 'Biometric.PresentSubjectEvent'));
    await person.placeFinger(4, 'C0001');
    const r2 = await second;
    const data = (r: typeof r1) => (r.payload.dataRead as { data: string }[])[0]!.data;
    expect(data(r2)).not.toBe(data(r1));
  });

  it('the header timeout completes timeOut; a queued command times out in the queue too', async () => {
    const a = await connect('Biometric');
    const running = a.command('Biometric.Read', {}, { timeout: 300 });
    const queued = a.command('Biometric.Read', {}, { timeout: 100 });
    expect((await queued).completionCode).toBe('timeOut');
    expect((await running).completionCode).toBe('timeOut');
  });

  it('Common.Cancel completes first, then its targets complete canceled; unmatched ids: noMatchingRequestIDs', async () => {
    const a = await connect('Biometric');
    const order: string[] = [];
    const read = a.command('Biometric.Read', {}, { requestId: 500 }).then((c) => (order.push(`read ${c.completionCode}`), c));
    expect((await a.command('Common.Cancel', { requestIds: [999] })).payload).toEqual({ errorCode: 'noMatchingRequestIDs' });
    const cancel = a.command('Common.Cancel', { requestIds: [500] }).then((c) => (order.push(`cancel ${c.completionCode}`), c));
    await Promise.all([read, cancel]);
    expect(order).toEqual(['cancel success', 'read canceled']);
    // Another connection's requestIds are not this one's to cancel.
    const b = await connect('Biometric');
    const other = a.command('Biometric.Read', {}, { requestId: 501 });
    expect((await b.command('Common.Cancel', { requestIds: [501] })).completionCode).toBe('commandErrorCode');
    await a.command('Common.Cancel');
    expect((await other).completionCode).toBe('canceled');
  });

  it('a client that disconnects has its commands cancelled: the queue moves on', async () => {
    const leaver = await face.connect('Biometric');
    void leaver.command('Biometric.Read').catch(() => undefined);
    await waitFor(() => leaver.received.some((m) => m.header.name === 'Biometric.PresentSubjectEvent'));
    await leaver.close();
    const stayer = await connect('Biometric');
    const read = stayer.command('Biometric.Read', { dataTypes: [{ format: 'reservedTemplate1' }] });
    await waitFor(() => stayer.received.some((m) => m.header.name === 'Biometric.PresentSubjectEvent'));
    await person.placeFinger(5, 'C0002');
    expect((await read).completionCode).toBe('success');
  });

  it('every message received was valid, and the face refused to send nothing', () => {
    expect(clients.flatMap((c) => c.invalid)).toEqual([]);
    expect(face.problems).toEqual([]);
  });
});

async function waitFor(test: () => boolean, what = 'a condition'): Promise<void> {
  for (let i = 0; i < 400 && !test(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!test()) throw new Error(`never happened: ${what}`);
}
