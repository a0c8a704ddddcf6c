/**
 * A person at an ATM, over MQTT only: presses keys, inserts a card, places a finger, takes cash, reads the LCD
 * and the phone. The demo, the Cucumber steps and the benchmark drive the rig through this, exactly as a
 * device or a dashboard would, never by reaching into its internals.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import type { SessionState } from '../machines/screens.ts';
import { topics } from '../devices/topics.ts';
import { connectBus } from '../core/bus.ts';
import { maskNumbers } from '../devices/serial/trace.ts';

export interface Sms {
  to: string;
  from: string;
  text: string;
  ts: number;
}

export interface BusMessage {
  topic: string;
  payload: Record<string, unknown>;
  /** Wall time it arrived. */
  at: number;
  /** The rig clock when it arrived, as last published on rig/clock/state (what a manual-clock run goes by). */
  rigTime?: number;
}

type Waiter = { test: () => boolean; resolve: () => void };

export class AtmClient {
  readonly atmId: string;
  readonly client: MqttClient;
  session: SessionState | undefined;
  lcd: string[] = ['', '', '', ''];
  readonly inbox: Sms[] = [];
  /** Every message seen on the ATM's topics and the phones, in order. */
  readonly messages: BusMessage[] = [];
  #waiters = new Set<Waiter>();

  private constructor(atmId: string, client: MqttClient) {
    this.atmId = atmId;
    this.client = client;
  }

  /**
   * `phones: 'own'` reads no phone until `watchPhone` names one: with hundreds of people on one bus, each reading
   * every phone would make every SMS a message to each of them. `sees: 'session'` reads only the session's topics
   * and the cash dispenser's events (what a load run's customer goes by), not every device's traffic: a third of the
   * packets of a session, and of the broker's work, were copies for the person that it never read.
   */
  static async connect(
    brokerUrl: string,
    atmId = 'atm-1',
    options: IClientOptions = {},
    { phones = 'all', sees = 'everything' }: { phones?: 'all' | 'own'; sees?: 'everything' | 'session' } = {},
  ): Promise<AtmClient> {
    const client = await connectBus(brokerUrl, `${atmId}:person`, options);
    const person = new AtmClient(atmId, client);
    client.on('message', (topic, buf) => person.#onMessage(topic, buf));
    // The faults too: a trace that shows a lost message shows why it was lost.
    const filters = [
      ...(sees === 'everything'
        ? [topics.atm(atmId), topics.clock.all, topics.fault.all]
        : [topics.session(atmId), topics.device(atmId, 'dispenser', 'evt', '+')]),
      ...(phones === 'all' ? [topics.phones] : []),
    ];
    await client.subscribeAsync(filters, { qos: 1 });
    return person;
  }

  /** Read this phone's SMS from now on (a person connected with `phones: 'own'`). */
  async watchPhone(msisdn: string): Promise<void> {
    await this.client.subscribeAsync(topics.phoneInbox(msisdn), { qos: 1 });
  }

  /** Stop reading this phone (the next customer at this ATM has another). */
  async unwatchPhone(msisdn: string): Promise<void> {
    await this.client.unsubscribeAsync(topics.phoneInbox(msisdn));
  }

  /** Drop what was seen so far (messages and SMS): a person running sessions for hours keeps only the current one's.
   *  Indices into `messages` taken before are void. */
  forget(): void {
    this.messages.length = 0;
    this.inbox.length = 0;
  }

  #onMessage(topic: string, buf: Buffer) {
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
    } catch {
      return;
    }
    if (topic === topics.clock.state) this.clockNow = Number(payload.now);
    this.messages.push({ topic, payload, at: Date.now(), ...(this.clockNow !== undefined ? { rigTime: this.clockNow } : {}) });
    if (topic === topics.sessionState(this.atmId)) this.session = payload as unknown as SessionState;
    else if (topic === topics.clock.state) this.clockNow = Number(payload.now);
    else if (topic === topics.deviceState(this.atmId, 'lcd') && Array.isArray(payload.lines)) this.lcd = payload.lines as string[];
    else if (topic.startsWith('phone/') && topic.endsWith('/inbox')) {
      this.inbox.push({ to: `+${topic.split('/')[1]!}`, from: String(payload.from), text: String(payload.text), ts: Number(payload.ts) });
    }
    for (const w of this.#waiters) {
      if (w.test()) {
        this.#waiters.delete(w);
        w.resolve();
      }
    }
  }

  /**
   * Wait until `test` holds, or fail after `timeoutMs` of real time. Checked now, after every message, and every
   * 50 ms as well: a condition on something other than the bus (a file, a Node-RED node) must not wait for a message.
   */
  until(test: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter = {
        test,
        resolve: () => {
          done();
          resolve();
        },
      };
      const poll = setInterval(() => waiter.test() && waiter.resolve(), 50);
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; session: ${JSON.stringify(this.session)}; LCD: ${JSON.stringify(this.lcd)}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** A seed001 start for a customer: ENTER, the finger the ATM asks for, the PIN; resolves once the ATM asks for
   *  the OTP (its SMS is on its way). */
  async throughFingerAndPin(customerId: string, pin: string, timeoutMs?: number): Promise<void> {
    await this.untilScreen('welcome', timeoutMs);
    await this.press('ENTER');
    const { requestedFinger } = await this.untilScreen('place-finger', timeoutMs);
    await this.placeFinger(requestedFinger!, customerId);
    await this.untilScreen('enter-pin', timeoutMs);
    await this.type(pin);
    await this.untilScreen('enter-otp', timeoutMs);
  }

  /** Wait until the ATM shows this screen (a stable name from SCREENS in machines/screens.ts). */
  async untilScreen(screen: string, timeoutMs?: number): Promise<SessionState> {
    await this.until(() => this.session?.screen === screen, `the ${screen} screen`, timeoutMs);
    return this.session!;
  }

  /** Wait until the statechart path starts with `prefix`. For debugging and the rig's own tests: scenarios and
   *  dashboards use screens, which do not change when the chart is reorganised. */
  async untilState(prefix: string, timeoutMs?: number): Promise<SessionState> {
    await this.until(() => this.session?.state.startsWith(prefix) ?? false, `session state ${prefix}`, timeoutMs);
    return this.session!;
  }

  async untilLcd(text: string | RegExp, timeoutMs?: number): Promise<string[]> {
    const hit = () => this.lcd.some((l) => (typeof text === 'string' ? l.includes(text) : text.test(l)));
    await this.until(hit, `LCD showing ${String(text)}`, timeoutMs);
    return this.lcd;
  }

  /** The first message after index `from` of `messages` on a topic ending with `topic` (or matching it). */
  async nextMessage(topic: string | RegExp, from = 0, timeoutMs?: number): Promise<BusMessage> {
    const matches = (t: string) => (typeof topic === 'string' ? t.endsWith(topic) : topic.test(t));
    const find = () => this.messages.slice(from).find((m) => matches(m.topic));
    await this.until(() => find() !== undefined, `a message on …${String(topic)}`, timeoutMs);
    return find()!;
  }

  async untilSms(msisdn: string, count = 1, timeoutMs?: number): Promise<Sms> {
    const mine = () => this.inbox.filter((s) => s.to === msisdn);
    await this.until(() => mine().length >= count, `SMS #${count} to ${maskNumbers(msisdn)}`, timeoutMs);
    return mine()[count - 1]!;
  }

  #sim(device: string, name: string, payload: object) {
    return this.client.publishAsync(topics.device(this.atmId, device, 'sim', name), JSON.stringify(payload), { qos: 1 });
  }

  async press(...keys: string[]) {
    await Promise.all(keys.map((key) => this.#sim('keypad', 'press', { key })));
  }

  /** Type characters, then ENTER. */
  async type(text: string) {
    await this.press(...text.split(''), 'ENTER');
  }

  insertCard(pan: string) {
    return this.#sim('card', 'insert', { pan });
  }

  removeCard() {
    return this.#sim('card', 'remove', {});
  }

  placeFinger(finger: number, customerId?: string, quality = 100, spoof = false) {
    return this.#sim('fingerprint', 'place', { ...(customerId ? { customerId } : {}), finger, quality, ...(spoof ? { spoof } : {}) });
  }

  takeCash() {
    return this.#sim('dispenser', 'take', {});
  }

  /** The rig clock's time as last published on rig/clock/state. */
  clockNow: number | undefined;

  /** Move the rig's manual clock, and wait until it has moved (so a key press sent next cannot overtake it). */
  async advanceClock(ms: number) {
    await this.until(() => this.clockNow !== undefined, 'the rig clock state');
    const target = this.clockNow! + ms;
    await this.client.publishAsync(topics.clock.advance, JSON.stringify({ ms }), { qos: 1 });
    await this.until(() => (this.clockNow ?? 0) >= target, `the rig clock to reach +${ms} ms (is the rig on the manual clock?)`);
  }

  close() {
    return this.client.endAsync();
  }
}

/** The code in an OTP SMS ("... your one-time code is 123456. ..."). */
export function otpFromSms(text: string): string {
  const m = /code is ([A-Z0-9]+)\./.exec(text);
  if (!m) throw new Error(`no OTP code in SMS: ${text}`);
  return m[1]!;
}
