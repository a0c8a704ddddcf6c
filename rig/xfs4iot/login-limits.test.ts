// Upgraded sockets per login (the attack re-review: with the `atm-1.Biometric` user, 128 upgraded sockets from each of
// two addresses filled the face's 256 and atm-2's application got ECONNRESET). A login holds a few (8 for a
// one-service user, 32 for an ATM's controller; more: 429), and when the face is full an ATM's controller still gets
// in, the oldest one-service connection making room (anyone else: 503). admission.ts.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ADMISSION_LIMITS, createAdmission, type Admitted } from './admission.ts';
import { basicAuthorization } from './auth.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

const ATMS = ['atm-1', 'atm-2', 'atm-3'];
const INTERFACES = ['Biometric', 'Keyboard', 'TextTerminal', 'CashDispenser', 'CardReader'];
const { perLogin, maxUpgraded } = ADMISSION_LIMITS;

let face: FaceRig;
const held: WebSocket[] = [];
beforeAll(async () => {
  face = await startFaceRig(ATMS.map((id) => ({ id })));
});
afterAll(async () => {
  for (const ws of held) ws.terminate();
  await face?.rig.close();
});

const until = async (test: () => boolean, what: string, limitMs = 5000) => {
  for (const start = Date.now(); !test(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() - start > limitMs) throw new Error(`never happened: ${what}`);
};
const uri = (name: string) => face.rig.xfs4iot!.services.find((s) => s.name === name)!.uri;
const userAuth = (name: string) => {
  const u = face.rig.xfs4iot!.serviceUsers.find((s) => s.username === name)!;
  return basicAuthorization(u.username, u.password);
};

type Opened = { ws: WebSocket } | { status: number } | { error: string };
/** A WebSocket to `service` as `authorization`, from `localAddress`: open (kept in `held`), or the HTTP status. */
const open = (service: string, authorization: string, localAddress = '127.0.0.1') =>
  new Promise<Opened>((resolve) => {
    const ws = new WebSocket(uri(service), { headers: { authorization }, localAddress, perMessageDeflate: false });
    ws.once('open', () => (held.push(ws), resolve({ ws })));
    ws.once('unexpected-response', (req, res) => (req.destroy(), resolve({ status: res.statusCode ?? 0 })));
    ws.once('error', (e) => resolve({ error: e.message }));
  });
afterEach(async () => {
  for (const ws of held.splice(0)) ws.terminate();
  await until(() => face.rig.xfs4iot!.connections() === 0, 'every connection gone');
});

it('the attack: one one-service login from two addresses gets 8 sockets, then 429; the ATMs’ applications connect', async () => {
  const results: Opened[] = [];
  for (const address of ['127.0.2.1', '127.0.2.2'])
    for (let i = 0; i < 128; i++) results.push(await open('atm-1.Biometric', userAuth('atm-1.Biometric'), address));
  expect(results.filter((r) => 'ws' in r)).toHaveLength(perLogin.service);
  expect(results.filter((r) => 'status' in r && r.status === 429)).toHaveLength(256 - perLogin.service);
  for (const atm of ['atm-2', 'atm-1']) expect(await open(`${atm}.CashDispenser`, face.authorization(atm))).toHaveProperty('ws');
});

it('a full face: a one-service login is refused 503, an ATM’s controller gets in and the oldest one-service socket goes', async () => {
  // 15 one-service logins at one under their share, the controllers the rest: the face's upgraded sockets full.
  const oneService: WebSocket[] = [];
  let n = 0;
  const address = () => `127.0.3.${1 + (n++ % 4)}`;
  for (const atm of ATMS)
    for (const iface of INTERFACES)
      for (let i = 0; i < perLogin.service - 1; i++) {
        const r = await open(`${atm}.${iface}`, userAuth(`${atm}.${iface}`), address());
        if (!('ws' in r)) throw new Error(`${atm}.${iface}: ${JSON.stringify(r)}`);
        oneService.push(r.ws);
      }
  const controllers = { 'atm-1': perLogin.controller, 'atm-2': perLogin.controller, 'atm-3': 0 };
  controllers['atm-3'] = maxUpgraded - oneService.length - 2 * perLogin.controller;
  expect(controllers['atm-3']).toBeGreaterThan(0);
  expect(controllers['atm-3']).toBeLessThan(perLogin.controller);
  for (const [atm, count] of Object.entries(controllers))
    for (let i = 0; i < count; i++) expect(await open(`${atm}.Keyboard`, face.authorization(atm), address())).toHaveProperty('ws');
  expect(face.rig.xfs4iot!.connections()).toBe(maxUpgraded);

  expect(await open('atm-1.Biometric', userAuth('atm-1.Biometric'))).toEqual({ status: 503 });
  expect(await open('atm-1.Keyboard', face.authorization('atm-1'))).toEqual({ status: 429 });
  const oldest = oneService[0]!;
  const pushedOut = new Promise<void>((resolve) => oldest.once('close', () => resolve()));
  expect(await open('atm-3.CashDispenser', face.authorization('atm-3'))).toHaveProperty('ws');
  await pushedOut;
  expect(oneService.slice(1).every((ws) => ws.readyState === WebSocket.OPEN)).toBe(true);
  expect(face.rig.xfs4iot!.connections()).toBe(maxUpgraded);
  expect(face.problems).toEqual([]);
}, 20_000);

it('only controllers hold the face: a newcomer pushes out the oldest of the login holding the most, if more than its own', async () => {
  // admission.ts alone, over real sockets, with small limits.
  const admission = createAdmission({ ...ADMISSION_LIMITS, maxUpgraded: 4, perLogin: { controller: 3, service: 2 } });
  const accepted: Socket[] = [];
  const server: Server = createServer((s) => (admission.connected(s), accepted.push(s)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const clients: Socket[] = [];
  const closed = new Set<Socket>();
  const admit = async (key: string, controller: boolean): Promise<[Admitted, Socket]> => {
    const c = connect({ host: '127.0.0.1', port });
    c.on('close', () => closed.add(c)).on('error', () => undefined);
    clients.push(c);
    await until(() => accepted.length === clients.length, 'accepted');
    return [admission.admit(accepted.at(-1)!, { key, controller }), c];
  };
  try {
    const a = [await admit('atm-1.controller', true), await admit('atm-1.controller', true), await admit('atm-1.controller', true)];
    expect(a.map(([r]) => r)).toEqual(['ok', 'ok', 'ok']);
    expect((await admit('atm-1.controller', true))[0]).toBe('login-full');
    expect((await admit('atm-2.controller', true))[0]).toBe('ok');
    // Full (4): atm-3 holds none and atm-1 three: atm-1's oldest goes.
    expect((await admit('atm-3.controller', true))[0]).toBe('ok');
    await until(() => closed.has(a[0]![1]), "atm-1's oldest socket closed");
    expect(closed.has(a[1]![1])).toBe(false);
    // Now atm-1 two, atm-2 one, atm-3 one: atm-2 (one) may not push atm-1 (two) out; a one-service login may not either.
    expect((await admit('atm-2.controller', true))[0]).toBe('full');
    expect((await admit('atm-1.Biometric', false))[0]).toBe('full');
  } finally {
    for (const c of clients) c.destroy();
    await new Promise((r) => server.close(r));
  }
});
