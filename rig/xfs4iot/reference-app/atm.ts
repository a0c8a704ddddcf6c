/**
 * The ATM as the reference application sees it: XFS4IoT services only, found through the service publisher by the
 * interfaces they report (Common.Capabilities), as an ATM application finds a vendor's services. Each method is one
 * thing a customer-facing application does with the hardware: show a screen, wait for a key, read digits or text,
 * read a finger or a card, pay out, hand back the card.
 */
import { XfsClient, type Completed, type ConnectOptions } from '../client.ts';

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const ALPHANUMERIC = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
/** Line 3 of an entry while nothing is typed: the keypad listens. */
const CURSOR = '_';

/** A screen drawn while a command waits: awaited after the command, and not an unhandled rejection when the
 *  connection closes first (the command's own rejection is the one that counts). */
function drawing(screen: Promise<void>): Promise<void> {
  screen.catch(() => undefined);
  return screen;
}

/** Something the customer did that ends what the application waited for. */
export type Entry = { ok: true; value: string } | { ok: false; why: 'cancelled' | 'timeout' | 'failed' };

export class XfsAtm {
  private constructor(private readonly services: Map<string, XfsClient>) {}

  /** Discover the services of the publisher and connect to the five this application needs. */
  static async discover(publisherUrl: string, options: ConnectOptions): Promise<XfsAtm> {
    const publisher = await XfsClient.connect(publisherUrl, options);
    try {
      const listed = await publisher.command('ServicePublisher.GetServices');
      const services = new Map<string, XfsClient>();
      for (const { serviceURI } of listed.payload.services as { serviceURI: string }[]) {
        const client = await XfsClient.connect(serviceURI, options);
        const caps = await client.command('Common.Capabilities');
        const names = (caps.payload.interfaces as { name: string }[]).map((i) => i.name).filter((n) => n !== 'Common');
        for (const name of names) if (!services.has(name)) services.set(name, client);
        if (!names.some((n) => services.get(n) === client)) await client.close();
      }
      for (const needed of ['TextTerminal', 'Keyboard', 'Biometric', 'CashDispenser', 'CardReader'])
        if (!services.has(needed)) throw new Error(`no ${needed} service at ${publisherUrl}`);
      return new XfsAtm(services);
    } finally {
      await publisher.close();
    }
  }

  #service(name: string): XfsClient {
    return this.services.get(name)!;
  }

  /** A whole screen: four lines of at most 20 characters. */
  async show(...lines: string[]): Promise<void> {
    const tt = this.#service('TextTerminal');
    await tt.command('TextTerminal.ClearScreen');
    for (const [posY, text] of lines.entries()) if (text) await tt.command('TextTerminal.Write', { mode: 'absolute', posX: 0, posY, text });
  }

  /** Wait for ENTER (true) or CANCEL (false). The screen is drawn once the keypad listens, so no key is lost. */
  async enterOrCancel(screen: string[]): Promise<boolean> {
    return (await this.keyOf(screen, ['enter', 'cancel'])) === 'enter';
  }

  /** Wait for one of these Keyboard keys (`one`, `enter`, `cancel`...) and say which, or `timeout`. The screen is
   *  drawn once the keypad listens. */
  async keyOf(screen: string[], keys: string[], timeoutMs?: number): Promise<string> {
    const activeKeys = Object.fromEntries(keys.map((k) => [k, { terminate: true }]));
    const done = await this.#dataEntry({ activeKeys }, () => this.show(...screen), undefined, timeoutMs);
    if (done.completionCode === 'timeOut') return 'timeout';
    return (done.payload.pinKeys as { digit: string }[] | undefined)?.at(-1)?.digit ?? 'none';
  }

  /** A screen for `ms`, on the services' clock (a Keyboard.DataEntry's timeout: the rig clock on a rig); ENTER or
   *  CANCEL cuts it short. 0: the screen, without waiting. */
  async pause(screen: string[], ms: number): Promise<void> {
    if (ms <= 0) return this.show(...screen);
    await this.keyOf(screen, ['enter', 'cancel'], ms);
  }

  /** Digits on the Keyboard (DataEntry, in the clear: docs/xfs4iot.md says why), echoed as `*` or as typed on line 3,
   *  where a cursor `_` shows once the keypad listens (as TextTerminal.Read shows its own). */
  async digits(screen: string[], maxLen: number, masked: boolean, timeoutMs: number): Promise<Entry> {
    const tt = this.#service('TextTerminal');
    let typed = '';
    const echo = (payload: Record<string, unknown>) => {
      const digit = DIGITS.indexOf(String(payload.digit));
      if (payload.digit === 'clear') typed = '';
      else if (digit >= 0) typed += String(digit);
      void tt
        .command('TextTerminal.Write', {
          mode: 'absolute',
          posX: 0,
          posY: 2,
          text: (typed ? (masked ? '*'.repeat(typed.length) : typed) : CURSOR).padEnd(maxLen, ' '),
        })
        .catch(() => undefined);
    };
    const activeKeys = Object.fromEntries([
      ...DIGITS.map((k) => [k, { terminate: false }]),
      ['clear', { terminate: false }],
      ['enter', { terminate: true }],
      ['cancel', { terminate: true }],
    ]);
    const withCursor = [screen[0] ?? '', screen[1] ?? '', CURSOR, ...screen.slice(3)];
    const done = await this.#dataEntry({ maxLen, activeKeys }, () => this.show(...withCursor), echo, timeoutMs);
    if (done.completionCode === 'timeOut') return { ok: false, why: 'timeout' };
    if (done.completionCode !== 'success' || done.payload.completion === 'cancel')
      return { ok: false, why: done.completionCode === 'success' ? 'cancelled' : 'failed' };
    const value = (done.payload.pinKeys as { digit: string }[])
      .map((k) => DIGITS.indexOf(k.digit))
      .filter((d) => d >= 0)
      .join('');
    return { ok: true, value };
  }

  /** Letters and digits on the TextTerminal (Read), echoed as `*` after a cursor shows it listens. */
  async text(screen: string[], numOfChars: number, timeoutMs: number): Promise<Entry> {
    await this.show(...screen);
    let cancelled = false;
    const done = await this.#service('TextTerminal').command(
      'TextTerminal.Read',
      {
        numOfChars,
        mode: 'absolute',
        posX: 0,
        posY: 2,
        echoMode: 'password',
        visible: true,
        flush: true,
        autoEnd: false,
        activeKeys: ALPHANUMERIC,
        activeCommandKeys: { enter: { terminate: true }, cancel: { terminate: true }, clear: { terminate: false } },
      },
      { timeout: timeoutMs, onEvent: (_name, p) => (cancelled = p.commandKey === 'cancel') },
    );
    if (done.completionCode === 'timeOut') return { ok: false, why: 'timeout' };
    if (done.completionCode !== 'success' || cancelled) return { ok: false, why: cancelled ? 'cancelled' : 'failed' };
    return { ok: true, value: String(done.payload.input ?? '') };
  }

  async #dataEntry(
    payload: object,
    ready: () => Promise<void>,
    onKey?: (p: Record<string, unknown>) => void,
    timeout?: number,
  ): Promise<Completed> {
    let shown: Promise<void> | undefined;
    const done = this.#service('Keyboard').command('Keyboard.DataEntry', payload, {
      ...(timeout ? { timeout } : {}),
      onEvent: (name, p) => {
        if (name === 'Keyboard.EnterDataEvent') shown = drawing(ready());
        else onKey?.(p);
      },
    });
    const result = await done;
    await shown;
    return result;
  }

  /** A finger's template (Biometric.Read); the screen asks for it once the sensor is ready. */
  async finger(screen: string[], timeoutMs: number): Promise<Entry> {
    let shown: Promise<void> | undefined;
    const done = await this.#service('Biometric').command(
      'Biometric.Read',
      { dataTypes: [{ format: 'reservedTemplate1' }], numCaptures: 1, mode: 'scan' },
      { timeout: timeoutMs, onEvent: (name) => name === 'Biometric.PresentSubjectEvent' && (shown = drawing(this.show(...screen))) },
    );
    await shown;
    if (done.completionCode === 'timeOut') return { ok: false, why: 'timeout' };
    const data = (done.payload.dataRead as { data: string }[] | undefined)?.[0]?.data;
    return done.completionCode === 'success' && data ? { ok: true, value: data } : { ok: false, why: 'failed' };
  }

  /** A card's PAN, from track 2 (CardReader.ReadRawData waits for the card); the screen asks for it once ready. */
  async card(screen: string[]): Promise<Entry> {
    let shown: Promise<void> | undefined;
    const done = await this.#service('CardReader').command(
      'CardReader.ReadRawData',
      { track2: true },
      { onEvent: (name) => name === 'CardReader.InsertCardEvent' && (shown = drawing(this.show(...screen))) },
    );
    await shown;
    const track2 = (done.payload.track2 as { data?: string } | undefined)?.data;
    return done.completionCode === 'success' && track2 ? { ok: true, value: track2.split('=')[0]! } : { ok: false, why: 'failed' };
  }

  /** Hand the card back and wait until the customer takes it (MediaRemovedEvent); a card left longer than `leftMs`
   *  is retained, as the rig's own controller does. Says which. */
  async returnCard(screen: string[], leftMs: number): Promise<'taken' | 'retained' | 'none'> {
    const reader = this.#service('CardReader');
    const removed = reader.nextUnsolicited('CardReader.MediaRemovedEvent').then(() => 'taken' as const);
    const moved = await reader.command('CardReader.Move', { to: 'exit' });
    if (moved.completionCode !== 'success') return 'none';
    await this.show(...screen);
    let timer: NodeJS.Timeout | undefined;
    const left = new Promise<'left'>((resolve) => (timer = setTimeout(() => resolve('left'), leftMs).unref()));
    const outcome = await Promise.race([removed, left]);
    clearTimeout(timer);
    if (outcome === 'taken') return 'taken';
    await this.retainCard();
    return 'retained';
  }

  async retainCard(): Promise<void> {
    await this.#service('CardReader').command('CardReader.Move', { to: 'unit1' });
  }

  /** The dispenser's currency, from its first cassette (Storage.GetStorage). */
  async currency(): Promise<string> {
    const storage = (await this.#service('CashDispenser').command('Storage.GetStorage')).payload.storage as Record<
      string,
      { cash?: { configuration?: { currency?: string } } }
    >;
    return Object.values(storage).find((u) => u.cash?.configuration?.currency)?.cash?.configuration?.currency ?? 'XXX';
  }

  /** Pay out: Dispense, Present, and wait until the notes are taken. Says whether the notes went out as asked. */
  async payOut(currency: string, major: number, takeScreen: string[]): Promise<'taken' | 'failed'> {
    const cash = this.#service('CashDispenser');
    const dispensed = await cash.command('CashDispenser.Dispense', {
      denomination: { denomination: { service: { currencies: { [currency]: major }, mix: 'mix1' } } },
      position: 'outDefault',
    });
    if (dispensed.completionCode !== 'success') return 'failed';
    const taken = cash.nextUnsolicited('CashManagement.ItemsTakenEvent');
    const presented = await cash.command('CashDispenser.Present', { position: 'outDefault' });
    if (presented.completionCode !== 'success') return 'failed';
    await this.show(...takeScreen);
    await taken;
    return 'taken';
  }

  async close(): Promise<void> {
    await Promise.all([...new Set(this.services.values())].map((c) => c.close()));
  }
}
