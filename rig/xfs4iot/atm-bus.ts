/**
 * The face's side of the topic contract for one ATM: an MQTT client as the ATM's controller user
 * (`<atm>.controller`, docs/security.md), exactly the rights the rig's own controller has. It sends device commands
 * (validated against the contract first), and hears device events (validated too; a bad one is dropped) and
 * retained device states (online or not). Works the same for virtual and serial devices.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import { connectBus } from '../../core/bus.ts';
import { decode, decodeJson } from '../../core/decode.ts';
import { CONTRACT, DeviceError, schemaFor } from '../../devices/contract.ts';
import type { DeviceKind } from '../../devices/registry.ts';
import { parseTopic, topics } from '../../devices/topics.ts';
import { abortable } from './service.ts';

export interface DeviceMessage {
  kind: DeviceKind;
  /** An event name, `error`, or `state` for a retained state. */
  name: string;
  payload: Record<string, unknown>;
}

export interface Inbox {
  /** The next buffered message; rejects when `signal` aborts. */
  take(signal: AbortSignal): Promise<DeviceMessage>;
  close(): void;
}

type Listener = (m: DeviceMessage) => void;

export class AtmBus {
  readonly #states = new Map<string, Record<string, unknown>>();
  readonly #listeners = new Set<Listener>();

  private constructor(
    readonly atmId: string,
    private readonly client: MqttClient,
  ) {}

  static async connect(brokerUrl: string, atmId: string, mqttOptions: IClientOptions): Promise<AtmBus> {
    // `<atm>:controller-xfs4iot` is a client id of the controller user (rig/bus/client-ids.ts), apart from the rig's.
    const client = await connectBus(brokerUrl, `${atmId}:controller-xfs4iot`, { reconnectPeriod: 1000, ...mqttOptions });
    const bus = new AtmBus(atmId, client);
    client.on('message', (topic, payload) => bus.#onMessage(topic, payload));
    await client.subscribeAsync([topics.device(atmId, '+', 'evt', '+'), topics.deviceState(atmId, '+')], { qos: 1 });
    return bus;
  }

  state(kind: DeviceKind): Record<string, unknown> | undefined {
    return this.#states.get(kind);
  }

  online(kind: DeviceKind): boolean {
    return this.#states.get(kind)?.online === true;
  }

  on(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Publish a device command; a payload the contract refuses is a bug of the face, and throws. */
  async command(kind: DeviceKind, name: string, payload: object): Promise<void> {
    const schema = schemaFor(CONTRACT[kind].cmd, name);
    const checked = schema?.safeParse(payload);
    if (!checked?.success) throw new Error(`the face built a ${kind} ${name} command the topic contract refuses`);
    await this.client.publishAsync(topics.device(this.atmId, kind, 'cmd', name), JSON.stringify(payload), { qos: 1 });
  }

  /** The next message from `kind` that `accept` takes; rejects when `signal` aborts. Listen before commanding. */
  next(kind: DeviceKind, signal: AbortSignal, accept: (m: DeviceMessage) => boolean): Promise<DeviceMessage> {
    let off: () => void = () => undefined;
    const found = new Promise<DeviceMessage>((resolve) => {
      off = this.on((m) => {
        if (m.kind === kind && accept(m)) {
          off();
          resolve(m);
        }
      });
    });
    const result = abortable(signal, found).finally(() => off());
    // Callers listen first and await later: a cancellation in between must not be an unhandled rejection.
    result.catch(() => undefined);
    return result;
  }

  /** Every message from `kind` that `accept` takes, buffered from now until closed: a loop that waits for keys one
   *  at a time loses none pressed between two waits. */
  listen(kind: DeviceKind, accept: (m: DeviceMessage) => boolean): Inbox {
    const buffer: DeviceMessage[] = [];
    let wake: (() => void) | undefined;
    const off = this.on((m) => {
      if (m.kind !== kind || !accept(m)) return;
      buffer.push(m);
      wake?.();
    });
    return {
      async take(signal) {
        while (buffer.length === 0) await abortable(signal, new Promise<void>((resolve) => (wake = resolve)));
        return buffer.shift()!;
      },
      close: off,
    };
  }

  #onMessage(topic: string, buf: Buffer): void {
    const parsed = parseTopic(topic);
    if (!parsed || parsed.atm !== this.atmId || !Object.hasOwn(CONTRACT, parsed.device)) return;
    const kind = parsed.device as DeviceKind;
    let message: DeviceMessage | undefined;
    if (parsed.channel === 'state') {
      const json = decodeJson(buf);
      const state = json.ok ? json.data : undefined;
      if (typeof state !== 'object' || state === null || Array.isArray(state)) return;
      this.#states.set(kind, state as Record<string, unknown>);
      message = { kind, name: 'state', payload: state as Record<string, unknown> };
    } else if (parsed.channel === 'evt' && parsed.name) {
      const schema = parsed.name === 'error' ? DeviceError : schemaFor(CONTRACT[kind].evt, parsed.name);
      const result = schema ? decode(buf, schema) : undefined;
      if (!result?.ok) return;
      message = { kind, name: parsed.name, payload: result.data as Record<string, unknown> };
    }
    if (message) for (const listener of [...this.#listeners]) listener(message);
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}
