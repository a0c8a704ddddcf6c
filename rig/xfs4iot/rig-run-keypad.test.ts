// The keypad of an ATM the rig's own controller runs (the attack re-review: `atm-2.Keyboard` or `atm-2.TextTerminal`,
// or the controller credential, read the PIN typed for the rig's session through Keyboard.DataEntry or
// TextTerminal.Read). The face does not read the keypad of an ATM it does not run: those commands are not offered
// there (Common.Capabilities leaves them out) and are answered unsupportedCommand (shared/reference/xfs4iot.md §2).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { basicAuthorization } from './auth.ts';
import { XfsClient } from './client.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
beforeAll(async () => {
  face = await startFaceRig([{ id: 'atm-1' }, { id: 'atm-2', controller: 'rig' }]);
});
afterAll(() => face?.rig.close());

const uri = (name: string) => face.rig.xfs4iot!.services.find((s) => s.name === name)!.uri;
const asUser = (name: string) => {
  const u = face.rig.xfs4iot!.serviceUsers.find((s) => s.username === name)!;
  return XfsClient.connect(uri(name), { authorization: basicAuthorization(u.username, u.password) });
};
const asController = (name: string) => XfsClient.connect(uri(name), { authorization: face.authorization(name.split('.')[0]) });

const dataEntry = { activeKeys: { zero: { terminate: false }, one: { terminate: false }, enter: { terminate: true } } };
const read = {
  numOfChars: 0,
  mode: 'absolute',
  posX: 0,
  posY: 0,
  echoMode: 'invisible',
  visible: false,
  flush: false,
  autoEnd: false,
  activeKeys: [...'0123456789'],
  activeCommandKeys: { enter: { terminate: true } },
};
type Capabilities = { interfaces: { name: string; commands: Record<string, unknown>; events: Record<string, unknown> }[] };
const offered = async (client: XfsClient) => {
  const caps = (await client.command('Common.Capabilities')).payload as Capabilities;
  return caps.interfaces.flatMap((i) => [...Object.keys(i.commands), ...Object.keys(i.events)]);
};

it('on a rig-run ATM, Keyboard.DataEntry and TextTerminal.Read are not offered, to its users or its controller', async () => {
  const clients = [
    await asUser('atm-2.Keyboard'),
    await asUser('atm-2.TextTerminal'),
    await asController('atm-2.Keyboard'),
    await asController('atm-2.TextTerminal'),
  ];
  for (const client of clients) {
    const keyboard = client.socket.url.includes('Keyboard');
    const [name, payload] = keyboard ? ['Keyboard.DataEntry', dataEntry] : ['TextTerminal.Read', read];
    // A timeout, so that a face reading the keypad fails this test (timeOut) rather than hangs it.
    const answer = await client.command(name, payload, { timeout: 2000 });
    expect(answer.completionCode).toBe('unsupportedCommand');
    expect(answer.errorDescription).toMatch(/atm-2 is run by the rig's own controller/);
    const names = await offered(client);
    expect(names).not.toContain(name);
    expect(names.filter((n) => /KeyEvent|EnterDataEvent/.test(n))).toEqual([]);
    if (!keyboard) {
      const status = (await client.command('Common.Status')).payload as { textTerminal: { keyboard: string } };
      expect(status.textTerminal.keyboard).toBe('off');
      expect((await client.command('TextTerminal.GetKeyDetail')).payload).toEqual({ keys: [], commandKeys: [] });
      // Nor is its LCD the face's to draw on: a fake "enter your PIN" over the rig's session (attacker's review).
      const write = await client.command('TextTerminal.Write', { mode: 'absolute', posX: 0, posY: 3, text: 'x' });
      expect([write.completionCode, write.errorDescription]).toEqual(['unsupportedCommand', expect.stringMatching(/only looks/)]);
    }
  }
  await Promise.all(clients.map((c) => c.close()));
  expect(clients.flatMap((c) => c.invalid)).toEqual([]);
  expect(face.problems).toEqual([]);
});

it('an ATM an outside application runs still has both', async () => {
  const kb = await face.connect('Keyboard', 'atm-1');
  const tt = await face.connect('TextTerminal', 'atm-1');
  expect(await offered(kb)).toContain('Keyboard.DataEntry');
  expect(await offered(tt)).toContain('TextTerminal.Read');
  await Promise.all([kb.close(), tt.close()]);
});

it('on a rig-run ATM, the cash dispenser and card reader are looked at, not acted on: no notes a session does not debit', async () => {
  for (const service of ['CashDispenser', 'CardReader']) {
    const client = await asController(`atm-2.${service}`);
    const names = await offered(client);
    expect(names.filter((n) => /\.(Dispense|Present|Denominate|ReadRawData|EjectCard|Move)/.test(n))).toEqual([]);
    expect((await client.command('Common.Status')).completionCode).toBe('success');
    const act = service === 'CashDispenser' ? 'CashDispenser.Dispense' : 'CardReader.ReadRawData';
    const answer = await client.command(act, {}, { timeout: 2000 });
    expect([answer.completionCode, answer.errorDescription]).toEqual([
      'unsupportedCommand',
      expect.stringMatching(/atm-2 is run by the rig's own controller/),
    ]);
    await client.close();
  }
  expect(face.problems).toEqual([]);
});
