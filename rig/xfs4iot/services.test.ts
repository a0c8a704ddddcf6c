// Each XFS4IoT service of the face on a real rig, its devices virtual and driven by a person over the sim topics
// (shared/reference/xfs4iot.md §4): what each command does to the device through the topic contract, and the
// completion and error codes the spec names. docs/xfs4iot.md is the table these follow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtmClient } from '../atm-client.ts';
import { synthTemplate } from '../../devices/fingerprint/template.ts';
import type { XfsClient } from './client.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
let person: AtmClient;
const clients: XfsClient[] = [];
const connect = async (service: string) => {
  const c = await face.connect(service);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  face = await startFaceRig([{ id: 'atm-1', fingerprint: { liveness: true } }]);
  person = await AtmClient.connect(face.rig.brokerUrl, 'atm-1', face.rig.bus.simulator);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await person?.close();
  await face?.rig.close();
});

/** A command whose events are collected; `ready(name)` resolves once that event has come. */
function run(client: XfsClient, name: string, payload: object = {}, timeout?: number) {
  const events: { name: string; payload: Record<string, unknown> }[] = [];
  const done = client.command(name, payload, { onEvent: (n, p) => events.push({ name: n, payload: p }), ...(timeout ? { timeout } : {}) });
  const ready = async (event: string) => {
    for (let i = 0; i < 500 && !events.some((e) => e.name === event); i++) await new Promise((r) => setTimeout(r, 10));
    if (!events.some((e) => e.name === event)) throw new Error(`no ${event}`);
  };
  return { events, done, ready };
}

const FORMAT = [{ format: 'reservedTemplate1' }];

describe('Biometric (fingerprint)', () => {
  it("Read gives the sensor's template; Import + Match verify and identity score it as the bank does", async () => {
    const bio = await connect('Biometric');
    const read = async (finger: number, customerId?: string) => {
      const r = run(bio, 'Biometric.Read', { dataTypes: FORMAT, mode: 'scan' });
      await r.ready('Biometric.PresentSubjectEvent');
      await person.placeFinger(finger, customerId);
      const done = await r.done;
      expect(r.events.map((e) => e.name)).toEqual(['Biometric.PresentSubjectEvent', 'Biometric.SubjectDetectedEvent']);
      return done;
    };
    const first = await read(3, 'C0001');
    expect(first.payload).toEqual({ dataRead: [{ type: { format: 'reservedTemplate1' }, data: synthTemplate('C0001', 3) }] });
    const imported = await bio.command('Biometric.Import', {
      templates: [
        { type: { format: 'reservedTemplate1' }, data: synthTemplate('C0001', 3) },
        { type: { format: 'reservedTemplate1' }, data: synthTemplate('C0002', 3) },
      ],
    });
    expect(imported.payload).toEqual({ templates: { id1: { format: 'reservedTemplate1' }, id2: { format: 'reservedTemplate1' } } });
    expect((await bio.command('Biometric.Match', { compareMode: 'verify', identifier: 'id1', threshold: 80 })).payload).toEqual({
      candidates: { id1: { confidenceLevel: 100 } },
    });
    expect((await bio.command('Biometric.Match', { compareMode: 'identity', maximum: 1 })).payload).toEqual({
      candidates: { id1: { confidenceLevel: 100 } },
    });
    // A stranger's finger: success, no candidates.
    await read(7);
    expect(await bio.command('Biometric.Match', { compareMode: 'identity' })).toEqual({ completionCode: 'success', payload: {} });
    expect((await bio.command('Biometric.Match', { compareMode: 'verify', identifier: 'id9' })).payload).toEqual({
      errorCode: 'invalidIdentifier',
    });
    expect((await bio.command('Biometric.Match', { compareMode: 'fuzzy' })).payload).toEqual({ errorCode: 'invalidCompareMode' });
    expect((await bio.command('Biometric.Match', { compareMode: 'identity', threshold: 101 })).payload).toEqual({
      errorCode: 'invalidThreshold',
    });
    expect((await bio.command('Biometric.GetStorageInfo')).payload).toMatchObject({ templates: { id1: {}, id2: {} } });
    const cleared = bio.nextUnsolicited('Biometric.DataClearedEvent');
    expect((await bio.command('Biometric.Clear', { clearData: 'scannedData' })).completionCode).toBe('success');
    expect(await cleared).toEqual({ clearData: 'scannedData' });
    expect((await bio.command('Biometric.Match', { compareMode: 'identity' })).payload).toEqual({ errorCode: 'noCaptureData' });
    await bio.command('Biometric.Clear');
    expect((await bio.command('Biometric.GetStorageInfo')).payload).toEqual({ errorCode: 'noImportedData' });
  });

  it('refuses formats and keys it does not have, and a spoofed finger (liveness) fails the read', async () => {
    const bio = await connect('Biometric');
    expect((await bio.command('Biometric.Read', { dataTypes: [{ format: 'isoFmd' }] })).payload).toEqual({
      errorCode: 'formatNotSupported',
    });
    expect((await bio.command('Biometric.Read', { dataTypes: [{ format: 'reservedTemplate1', algorithm: 'cbc' }] })).payload).toEqual({
      errorCode: 'keyNotFound',
    });
    const r = run(bio, 'Biometric.Read', { dataTypes: FORMAT });
    await r.ready('Biometric.PresentSubjectEvent');
    await person.placeFinger(2, 'C0001', 100, true);
    expect(await r.done).toMatchObject({ completionCode: 'commandErrorCode', payload: { errorCode: 'readFailed' } });
  });
});

describe('Keyboard (keypad)', () => {
  const digits = Object.fromEntries(
    ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'].map((k) => [k, { terminate: false }]),
  );

  it('DataEntry: a KeyEvent per active key, CLEAR starts over, ENTER ends; letters and inactive keys are not its', async () => {
    const kb = await connect('Keyboard');
    const r = run(kb, 'Keyboard.DataEntry', {
      maxLen: 4,
      activeKeys: { ...digits, clear: { terminate: false }, enter: { terminate: true } },
    });
    await r.ready('Keyboard.EnterDataEvent');
    await person.press('7', 'CLEAR', '1', 'A', 'FDKA', '9', '9', '1', '5', 'ENTER');
    const done = await r.done;
    expect(done.payload).toEqual({
      keys: 5,
      pinKeys: [
        { completion: 'continue', digit: 'one' },
        { completion: 'continue', digit: 'nine' },
        { completion: 'continue', digit: 'nine' },
        { completion: 'continue', digit: 'one' },
        { completion: 'enter', digit: 'enter' },
      ],
      completion: 'enter',
    });
    expect(r.events.map((e) => e.payload.digit ?? '-')).toEqual(['-', 'seven', 'clear', 'one', 'nine', 'nine', 'one', 'enter']);
  });

  it('autoEnd ends at maxLen; FDKs are fdk01-fdk08; keys it lacks: keyNotSupported; none: noActivekeys', async () => {
    const kb = await connect('Keyboard');
    const auto = run(kb, 'Keyboard.DataEntry', { maxLen: 2, autoEnd: true, activeKeys: digits });
    await auto.ready('Keyboard.EnterDataEvent');
    await person.press('4', '2');
    expect((await auto.done).payload).toMatchObject({ keys: 2, completion: 'auto' });
    const fdk = run(kb, 'Keyboard.DataEntry', { activeKeys: { fdk05: { terminate: true }, cancel: { terminate: true } } });
    await fdk.ready('Keyboard.EnterDataEvent');
    await person.press('FDKA', 'FDKF');
    expect((await fdk.done).payload).toEqual({ keys: 1, pinKeys: [{ completion: 'fdk', digit: 'fdk05' }], completion: 'fdk' });
    expect((await kb.command('Keyboard.DataEntry', { activeKeys: { a: { terminate: false } } })).payload).toEqual({
      errorCode: 'keyNotSupported',
    });
    expect((await kb.command('Keyboard.DataEntry', { activeKeys: {} })).payload).toEqual({ errorCode: 'noActivekeys' });
    // PinEntry is not offered (no PIN block crypto: docs/xfs4iot.md).
    expect((await kb.command('Keyboard.PinEntry', { activeKeys: digits })).completionCode).toBe('unsupportedCommand');
  });
});

describe('TextTerminal (LCD 4x20, keypad)', () => {
  it('Write and ClearScreen draw on the LCD through lcd/cmd/show', async () => {
    const tt = await connect('TextTerminal');
    expect((await tt.command('TextTerminal.ClearScreen')).completionCode).toBe('success');
    await tt.command('TextTerminal.Write', { mode: 'absolute', posX: 0, posY: 0, text: 'Welcome' });
    await tt.command('TextTerminal.Write', { mode: 'relative', posX: 1, posY: 0, text: 'to atm-rig' });
    await tt.command('TextTerminal.Write', { mode: 'absolute', posX: 15, posY: 3, text: 'cut at the edge' });
    await person.untilLcd('cut a');
    expect(person.lcd).toEqual(['Welcome to atm-rig', '', '', '               cut a']);
    await tt.command('TextTerminal.ClearScreen', { screen: { positionX: 0, positionY: 0, width: 8, height: 1 } });
    await person.untilLcd(/^ {8}to atm-rig$/);
    expect((await tt.command('TextTerminal.Write', { mode: 'absolute', posX: 0, posY: 4, text: 'x' })).completionCode).toBe('invalidData');
    expect((await tt.command('TextTerminal.Write', { mode: 'absolute', posX: 0, posY: 0, text: 'café' })).payload).toEqual({
      errorCode: 'characterSetsData',
    });
    expect((await tt.command('TextTerminal.SetResolution', { resolution: { sizeX: 16, sizeY: 2 } })).payload).toEqual({
      errorCode: 'resolutionNotSupported',
    });
    expect((await tt.command('TextTerminal.GetKeyDetail')).payload).toMatchObject({
      commandKeys: expect.arrayContaining(['enter', 'fdk08']),
    });
  });

  it('Read collects letters and digits, echoes * for a password, and ends on a terminate key', async () => {
    const tt = await connect('TextTerminal');
    await tt.command('TextTerminal.ClearScreen');
    const r = run(tt, 'TextTerminal.Read', {
      numOfChars: 6,
      mode: 'absolute',
      posX: 0,
      posY: 2,
      echoMode: 'password',
      visible: true,
      flush: true,
      autoEnd: false,
      activeKeys: [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
      activeCommandKeys: { enter: { terminate: true }, cancel: { terminate: true }, clear: { terminate: false } },
    });
    // The cursor shows when the Read listens (visible: true).
    await person.untilLcd(/^_$/);
    await person.press('Q', 'CLEAR', 'A', 'B', 'C', '1', '2', '3', '4');
    await person.untilLcd('******');
    await person.press('ENTER');
    expect((await r.done).payload).toEqual({ input: 'ABC123' });
    await person.untilLcd(/^\*{6}$/);
    expect(r.events.map((e) => e.payload.key ?? e.payload.commandKey)).toEqual(['Q', 'clear', 'A', 'B', 'C', '1', '2', '3', 'enter']);
  });
});

describe('CashDispenser, CashManagement, Storage (dispenser)', () => {
  it('GetStorage from the cassettes; Denominate; Dispense pays through dispenser/cmd/dispense; Present; ItemsTakenEvent', async () => {
    const cash = await connect('CashDispenser');
    const storage = (await cash.command('Storage.GetStorage')).payload.storage as Record<string, { cash: { configuration: object } }>;
    expect(Object.keys(storage)).toEqual(['unit1', 'unit2', 'unitReject']);
    expect(storage.unit1!.cash.configuration).toEqual({ types: { cashOut: true, reject: false }, currency: 'ZMW', value: 100 });
    const request = { denomination: { service: { currencies: { ZMW: 350 }, mix: 'mix1' } } };
    expect((await cash.command('CashDispenser.Denominate', { request })).payload).toEqual({
      result: { currencies: { ZMW: 350 }, values: { unit1: 3, unit2: 1 } },
    });
    const mark = person.messages.length;
    const dispensed = await cash.command('CashDispenser.Dispense', { denomination: request, position: 'outDefault' });
    expect(dispensed.payload).toEqual({ denomination: { currencies: { ZMW: 350 }, values: { unit1: 3, unit2: 1 } }, bunches: '1' });
    expect((await person.nextMessage('/dispenser/evt/dispensed', mark)).payload).toMatchObject({ amount: 35_000 });
    // Notes at the exit: another dispense waits until they are taken.
    expect((await cash.command('CashDispenser.Dispense', { denomination: request })).payload).toEqual({ errorCode: 'itemsLeft' });
    expect((await cash.command('CashDispenser.Present', { position: 'outDefault' })).payload).toEqual({
      position: { position: 'outDefault', additionalBunches: '0' },
    });
    const taken = cash.nextUnsolicited('CashManagement.ItemsTakenEvent');
    await person.takeCash();
    expect(await taken).toEqual({ position: 'outDefault' });
    const after = (await cash.command('Storage.GetStorage')).payload.storage as Record<
      string,
      { cash: { status: { out: { presented: object } } } }
    >;
    expect(after.unit1!.cash.status.out.presented).toEqual({ typeZMW100: { fit: 3, unfit: 0, suspect: 0, counterfeit: 0, inked: 0 } });
    expect((await cash.command('CashDispenser.Present')).payload).toEqual({ errorCode: 'noItems' });
  });

  it('refusals and faults: currency, mix, amount, the app choosing notes, a jam, a miscount', async () => {
    const cash = await connect('CashDispenser');
    const ask = (currencies: object, extra: object = {}) =>
      cash.command('CashDispenser.Dispense', { denomination: { denomination: { service: { currencies, ...extra } } } });
    expect((await ask({ EUR: 50 })).payload).toEqual({ errorCode: 'invalidCurrency' });
    expect((await ask({ ZMW: 50 }, { mix: 'mix7' })).payload).toEqual({ errorCode: 'invalidMixNumber' });
    expect((await ask({ ZMW: 25 })).payload).toEqual({ errorCode: 'notDispensable' });
    expect((await ask({ ZMW: 0.005 })).payload).toEqual({ errorCode: 'invalidDenomination' });
    const app = (counts: object) =>
      cash.command('CashDispenser.Denominate', { request: { denomination: { app: { currencies: { ZMW: 200 }, counts } } } });
    expect((await app({ unit2: 4 })).payload).toEqual({ errorCode: 'invalidDenomination' });
    expect((await app({ unit1: 2 })).payload).toEqual({ result: { currencies: { ZMW: 200 }, values: { unit1: 2 } } });
    await person.client.publishAsync('atm/atm-1/dispenser/sim/jam', JSON.stringify({ on: true }));
    await person.until(() => person.messages.some((m) => m.topic === 'atm/atm-1/dispenser/state' && m.payload.jammed === true), 'jam');
    expect(await ask({ ZMW: 100 })).toMatchObject({ completionCode: 'hardwareError' });
    expect((await cash.command('Common.Status')).payload).toMatchObject({
      common: { device: 'hardwareError' },
      cashManagement: { dispenser: 'stop' },
    });
    await person.client.publishAsync('atm/atm-1/dispenser/sim/jam', JSON.stringify({ on: false }));
    await person.client.publishAsync('atm/atm-1/dispenser/sim/miscount', JSON.stringify({ notes: 1 }));
    const events: string[] = [];
    await person.until(() => person.messages.some((m) => m.topic === 'atm/atm-1/dispenser/state' && m.payload.jammed === false), 'unjam');
    const short = await cash.command(
      'CashDispenser.Dispense',
      { denomination: { denomination: { service: { currencies: { ZMW: 300 } } } } },
      { onEvent: (n) => events.push(n) },
    );
    expect(short).toMatchObject({ completionCode: 'hardwareError' });
    expect(events).toEqual(['CashDispenser.IncompleteDispenseEvent']);
    await person.client.publishAsync('atm/atm-1/dispenser/sim/miscount', JSON.stringify({ notes: 0 }));
    await person.takeCash();
  });
});

describe('CardReader, Storage (card reader)', () => {
  it('ReadRawData waits for a card and gives track 2 from its PAN; Move to exit ejects; taking it is MediaRemovedEvent', async () => {
    const card = await connect('CardReader');
    const r = run(card, 'CardReader.ReadRawData', { track1: true, track2: true, chip: true });
    await r.ready('CardReader.InsertCardEvent');
    await person.insertCard('4000001234567899');
    expect((await r.done).payload).toEqual({
      track1: { status: 'dataMissing', data: '' },
      track2: { data: '4000001234567899=' },
      chip: [{ status: 'dataSourceNotSupported', data: '' }],
    });
    expect(r.events.map((e) => e.name)).toEqual(['CardReader.InsertCardEvent', 'CardReader.MediaInsertedEvent']);
    expect((await card.command('Common.Status')).payload).toMatchObject({ cardReader: { media: 'present' } });
    // Read again with the card inside: at once.
    expect((await card.command('CardReader.ReadRawData', { track2: true })).payload).toEqual({ track2: { data: '4000001234567899=' } });
    const action = card.nextUnsolicited('CardReader.CardActionEvent');
    expect((await card.command('CardReader.Move', { to: 'exit' })).completionCode).toBe('success');
    expect(await action).toEqual({ to: 'exit', from: 'transport' });
    const removed = card.nextUnsolicited('CardReader.MediaRemovedEvent');
    await person.removeCard();
    await removed;
    expect((await card.command('CardReader.Move', { to: 'exit' })).payload).toEqual({ errorCode: 'noMedia' });
  });

  it('Move to the retain unit retains; GetStorage counts the bin', async () => {
    const card = await connect('CardReader');
    const r = run(card, 'CardReader.ReadRawData', { track2: true });
    await r.ready('CardReader.InsertCardEvent');
    await person.insertCard('5100001234567892');
    await r.done;
    expect((await card.command('CardReader.Move', { to: 'unit1' })).completionCode).toBe('success');
    const storage = (await card.command('Storage.GetStorage')).payload.storage as Record<string, { card: { status: { count: number } } }>;
    expect(storage.unit1!.card.status.count).toBe(1);
    expect((await card.command('CardReader.Move', { to: 'unit9' })).completionCode).toBe('invalidData');
  });
});

describe('status', () => {
  it('a device going offline is Common.Status offline and a StatusChangedEvent', async () => {
    const kb = await connect('Keyboard');
    const changed = kb.nextUnsolicited('Common.StatusChangedEvent');
    await face.rig.atms[0]!.devices.find((d) => d.device.kind === 'keypad')!.close();
    expect(await changed).toEqual({ common: { device: 'offline' } });
    expect((await kb.command('Common.Status')).payload).toMatchObject({ common: { device: 'offline' } });
    expect((await kb.command('Keyboard.DataEntry', { activeKeys: { enter: { terminate: true } } })).completionCode).toBe('deviceNotReady');
  });

  it('every message received was valid, and the face refused to send nothing', () => {
    expect(clients.flatMap((c) => c.invalid)).toEqual([]);
    expect(face.problems).toEqual([]);
  });
});
