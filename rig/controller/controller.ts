/**
 * The ATM controller: one session actor per ATM, between the bus and the bank.
 *
 *   device events (atm/{atm}/+/evt/+)  -> validated -> machine events
 *   machine snapshot                   -> LCD screen (lcd/cmd/show) and session/state (retained)
 *   machine emitted events             -> session/evt/{name}
 *   machine effects (eject, dispense)  -> device commands
 *   machine bank calls                 -> bank over HTTP (OTP texts go out through the GSM modem)
 */
import { randomUUID } from 'node:crypto';
import type { IClientOptions, MqttClient } from 'mqtt';
import { createActor, type Actor, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { parseTopic, topics } from '../../devices/topics.ts';
import { deviceModule, type DeviceKind } from '../../devices/registry.ts';
import type { AuthProfile } from '../../machines/profiles.ts';
import { screenFor, sessionStateFor, type Screen } from '../../machines/screens.ts';
import type { SessionMachine } from '../../machines/session.machine.ts';
import { provideSession } from '../../machines/session.ports.ts';
import type { BankPorts, SessionEmitted } from '../../machines/session.types.ts';
import type { RigClock } from '../../core/clock.ts';
import { createBankClient, type SessionEnd } from './bank-client.ts';
import { connectBus, endBus, publishState, resubscribeOnReconnect } from '../../core/bus.ts';
import { decode, decodeJson } from '../../core/decode.ts';
import type { MoneySettings } from '../../core/schemas.ts';
import { schemaFor } from '../../devices/contract.ts';

export interface ControllerOptions {
  atmId: string;
  profile: AuthProfile;
  brokerUrl: string;
  bankUrl: string;
  /** The key the bank provisioned for this ATM (HTTP Basic `<atmId>:<key>` on every call). */
  bankKey?: string;
  clock: RigClock;
  seed: number;
  money: MoneySettings;
  /** Replace the HTTP bank (the in-process benchmark baseline uses the service directly). */
  bank?: BankPorts;
  /** Stand between the controller and the bank (a test making one bank call fail). */
  wrapBank?: (ports: BankPorts) => BankPorts;
  mqttOptions?: IClientOptions;
  /** The ATM's device kinds (those that act on session events are told of them). */
  devices?: readonly DeviceKind[];
  /** XState inspection events of the session actor (transition coverage uses them). */
  inspect?: (event: InspectionEvent) => void;
  /** Draw the screen and publish the session state at every state the machine enters, not once per turn of the event
   *  loop: a replay does, to reach each state a recording holds whatever its timing was (docs/recording.md). */
  drawEveryState?: boolean;
}

export type ControllerListener = (view: { screen: Screen; state: ReturnType<typeof sessionStateFor> }) => void;

export class AtmController {
  readonly atmId: string;
  readonly actor: Actor<SessionMachine>;
  readonly #client: MqttClient;
  readonly #options: ControllerOptions;
  /** The bank, told when a session ends (an in-process bank of a benchmark need not be). */
  readonly #bank: BankPorts & Partial<SessionEnd>;
  readonly #listeners = new Set<ControllerListener>();
  #lastScreen = '';
  #lastState = '';
  /** The devices last told to the actor as online. */
  readonly #online = new Set<string>();
  /** A render waiting for the end of this turn of the event loop (see #scheduleRender). */
  #renderPending: NodeJS.Immediate | undefined;

  private constructor(options: ControllerOptions, client: MqttClient) {
    this.#options = options;
    this.atmId = options.atmId;
    this.#client = client;
    // Unique per controller run (not derived from the clock: a manual clock starts at the same instant every run),
    // so idempotency keys of this run never meet those of an earlier run on the same bank file.
    const bootId = randomUUID().slice(0, 8);
    const bankClient =
      options.bank ??
      createBankClient(options.bankUrl, {
        keyPrefix: `${bootId}:`,
        ...(options.bankKey ? { credential: { id: options.atmId, key: options.bankKey } } : {}),
      });
    const bank = options.wrapBank ? options.wrapBank(bankClient) : bankClient;
    this.#bank = bankClient;
    const machine = provideSession(bank, {
      ejectCard: () => this.#command('card', 'eject', {}),
      retainCard: () => this.#command('card', 'retain', {}),
      // The deadline is the session's own dispense timeout: a command that arrives after it must not pay out.
      dispense: ({ ref, amount }) =>
        this.#command('dispenser', 'dispense', { ref, amount, deadline: options.clock.now() + options.profile.timeouts.dispenseMs }),
      sendSms: ({ to, text, ref }) => this.#command('gsm', 'send', { to, text, ref }),
    });
    this.actor = createActor(machine, {
      clock: options.clock,
      ...(options.inspect ? { inspect: options.inspect } : {}),
      input: {
        profile: options.profile,
        atmId: options.atmId,
        seed: options.seed,
        money: options.money,
      },
    });
  }

  static async start(options: ControllerOptions): Promise<AtmController> {
    const client = await connectBus(options.brokerUrl, `${options.atmId}:controller`, {
      will: {
        topic: topics.sessionState(options.atmId),
        payload: Buffer.from(JSON.stringify({ screen: 'offline', state: 'offline', profile: options.profile.id })),
        qos: 1,
        retain: true,
      },
      reconnectPeriod: 1000,
      ...options.mqttOptions,
    });
    const controller = new AtmController(options, client);
    await controller.#begin();
    return controller;
  }

  async #begin() {
    this.#client.on('message', (topic, payload) => this.#onMessage(topic, payload));
    const filters = [topics.device(this.atmId, '+', 'evt', '+'), topics.deviceState(this.atmId, '+')];
    // After a reconnect: the session state and the LCD published again (the broker may have lost the retained ones).
    resubscribeOnReconnect(this.#client, filters, () => {
      this.#lastScreen = '';
      this.#lastState = '';
      this.#scheduleRender();
    });
    await this.#client.subscribeAsync(filters, { qos: 1 });
    this.actor.on('*', (e) => this.#publishEvent(e));
    this.actor.subscribe({
      next: () => this.#scheduleRender(),
      error: (err) => this.#publish(topics.sessionEvent(this.atmId, 'error'), { code: 'session-failure', message: String(err) }),
    });
    this.actor.start();
  }

  /** Called with the LCD screen and session state whenever either changes (the live view uses it). */
  onChange(listener: ControllerListener): () => void {
    this.#listeners.add(listener);
    const snapshot = this.actor.getSnapshot();
    listener({ screen: screenFor(snapshot), state: sessionStateFor(snapshot) });
    return () => this.#listeners.delete(listener);
  }

  snapshot(): SnapshotFrom<SessionMachine> {
    return this.actor.getSnapshot();
  }

  async stop(): Promise<void> {
    clearImmediate(this.#renderPending);
    this.#renderPending = undefined;
    this.actor.stop();
    this.#bank.close?.();
    await endBus(this.#client, {
      topic: topics.sessionState(this.atmId),
      payload: { screen: 'offline', state: 'offline', profile: this.#options.profile.id },
    });
  }

  #publish(topic: string, payload: object) {
    this.#client.publish(topic, JSON.stringify(payload), { qos: 1 });
  }

  #command(device: DeviceKind, name: string, payload: object) {
    this.#publish(topics.device(this.atmId, device, 'cmd', name), payload);
  }

  /**
   * The screen and session state are drawn once the messages that arrived together have all been handled: keys
   * typed ahead (a load run's customers, a test pressing a PIN at once) move the machine through several states in
   * one turn, and only the last is drawn. Three messages a key fewer on the bus; what the screen shows, and every
   * session event and device command, is unchanged. A state the machine rests in is always drawn.
   */
  #scheduleRender() {
    if (this.#options.drawEveryState) return this.#render();
    this.#renderPending ??= setImmediate(() => {
      this.#renderPending = undefined;
      this.#render();
    });
  }

  #render() {
    const snapshot = this.actor.getSnapshot();
    const screen = screenFor(snapshot);
    const state = sessionStateFor(snapshot);
    const screenKey = JSON.stringify(screen);
    const stateKey = JSON.stringify(state);
    if (screenKey === this.#lastScreen && stateKey === this.#lastState) return;
    if (screenKey !== this.#lastScreen) this.#command('lcd', 'show', { lines: screen });
    if (stateKey !== this.#lastState)
      void publishState(this.#client, topics.sessionState(this.atmId), JSON.stringify(state)).catch(() => undefined);
    this.#lastScreen = screenKey;
    this.#lastState = stateKey;
    for (const listener of this.#listeners) listener({ screen, state });
  }

  #publishEvent(event: SessionEmitted) {
    const { type, ...payload } = event;
    // The bank holds the customer for this ATM until the session ends (one session per customer).
    if (type === 'ended') void this.#bank.sessionEnded?.().catch(() => undefined);
    this.#publish(topics.sessionEvent(this.atmId, type), { ...payload, ts: this.#options.clock.now() });
    // Devices that act on session events (a printer prints the receipt), as their modules declare.
    for (const kind of this.#options.devices ?? []) {
      const command = deviceModule(kind)?.onSessionEvent?.(type, payload);
      if (command) this.#command(kind, command.cmd, command.payload);
    }
  }

  #rejectEvent(topic: string, code: string, message: string) {
    this.#publish(topics.sessionEvent(this.atmId, 'error'), { code, message, topic });
  }

  #onMessage(topic: string, buf: Buffer) {
    const parsed = parseTopic(topic);
    const module = parsed ? deviceModule(parsed.device) : undefined;
    if (parsed?.channel === 'state' && module) {
      // An optional device (the receipt printer) going away does not take the ATM out of service.
      if (module.optional) return;
      // A device's retained state, and its last will, say whether it is there.
      // Not ours to judge a bad payload here: the device reports its own.
      const json = decodeJson(buf);
      const online = json.ok ? (json.data as { online?: unknown } | null)?.online : undefined;
      if (typeof online !== 'boolean') return;
      // A device already known to be there is not news (the LCD publishes its state at every screen); every
      // report of one missing is passed on, as the machine orders its list of missing devices by them.
      if (online && this.#online.has(parsed.device)) return;
      if (online) this.#online.add(parsed.device);
      else this.#online.delete(parsed.device);
      this.actor.send({ type: 'DEVICE_STATUS', device: parsed.device, online });
      return;
    }
    if (!parsed || parsed.channel !== 'evt' || !parsed.name || parsed.name === 'error') return;
    if (!module) return;
    const schema = schemaFor(module.contract.evt, parsed.name);
    if (!schema) return; // an event the controller has no use for
    const result = decode(buf, schema);
    if (!result.ok) return this.#rejectEvent(topic, 'bad-payload', result.error);
    const event = module.toSession?.(parsed.name, result.data as Record<string, unknown>);
    if (event) this.actor.send(event);
  }
}
