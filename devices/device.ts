/**
 * One interface for every device, virtual or real (the node-serialport model: one Binding interface, several
 * implementations). A `Device` knows its hardware, or its simulation, and nothing of MQTT; `attachDevice` puts
 * it on the bus as its own MQTT client: it validates every incoming payload against the contract, calls the
 * device, publishes its events and retained state, and sets a last will so a dead device shows offline.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import type { Random } from '../core/random.ts';
import type { RigClock } from '../core/clock.ts';
import { MAX_PAYLOAD_BYTES } from '../core/bus-limits.ts';
import { CONTRACT, schemaFor, type DeviceContract } from './contract.ts';
import { topics } from './topics.ts';
import type { DeviceKind } from './registry.ts';
import { connectBus, endBus, publishState, resubscribeOnReconnect } from '../core/bus.ts';
import { decode } from '../core/decode.ts';

export interface DeviceContext {
  readonly atmId: string;
  readonly clock: RigClock;
  readonly random: Random;
  /** Publish `atm/{atm}/{kind}/evt/{name}`. */
  emit(name: string, payload: object): void;
  /** Merge into the retained state and publish it. */
  setState(patch: Record<string, unknown>): void;
  /** Publish outside the device's own topics (the GSM network delivering to a phone). */
  publish(topic: string, payload: object): void;
  /** Report a problem as `evt/error`. */
  error(code: string, message: string, topic?: string): void;
}

export interface Device {
  /** Its device kind, a registry entry's `kind` (devices/registry.ts). */
  readonly kind: string;
  /** `virtual`, or how a real one is reached, e.g. `serial:/dev/ttyUSB0@57600`. */
  readonly impl: string;
  /** The state published before anything happens. */
  initialState(): Record<string, unknown>;
  start(ctx: DeviceContext): Promise<void> | void;
  /** A command, validated against the contract: typed per device as `MessageOf<typeof contract.cmd>`. */
  command(message: { name: string; payload: unknown }): Promise<void> | void;
  /** A person's physical action; only virtual devices have them. */
  sim?(message: { name: string; payload: unknown }): Promise<void> | void;
  stop?(): Promise<void> | void;
}

export interface AttachOptions {
  brokerUrl: string;
  atmId: string;
  clock: RigClock;
  random: Random;
  mqttOptions?: IClientOptions;
}

export interface AttachedDevice {
  readonly device: Device;
  readonly client: MqttClient;
  close(): Promise<void>;
}

/** An error event echoes input (a topic, a key name): bounded, it can never outgrow the broker's payload limit. */
const ECHO_TOPIC_CHARS = 200;
const ECHO_MESSAGE_CHARS = 1000;
export const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`);

export async function attachDevice(device: Device, options: AttachOptions): Promise<AttachedDevice> {
  const { atmId } = options;
  const known: DeviceContract | undefined = CONTRACT[device.kind as DeviceKind];
  if (!known) throw new Error(`no device kind "${device.kind}" in devices/registry.ts`);
  const contract = known;
  const stateTopic = topics.deviceState(atmId, device.kind);
  // A real device may start offline: its serial link, not the MQTT connection, says when it is there.
  let state: Record<string, unknown> = { online: true, ...device.initialState(), kind: device.kind, impl: device.impl };

  const client = await connectBus(options.brokerUrl, `${atmId}:${device.kind}`, {
    will: { topic: stateTopic, payload: Buffer.from(JSON.stringify({ ...state, online: false })), qos: 1, retain: true },
    reconnectPeriod: 1000,
    ...options.mqttOptions,
  });

  const publish = (topic: string, payload: object, retain = false) => {
    const body = JSON.stringify(payload);
    // The broker would drop the device for it, and the client would resend it at every reconnect: never send it.
    if (Buffer.byteLength(body) > MAX_PAYLOAD_BYTES)
      return ctx.error('too-large', `${topic.slice(0, ECHO_TOPIC_CHARS)}: ${Buffer.byteLength(body)} bytes (limit ${MAX_PAYLOAD_BYTES})`);
    // A device being closed says nothing more: its serial link going down as the port closes must not throw.
    if (client.disconnecting) return;
    if (retain) void publishState(client, topic, body).catch(() => undefined);
    else client.publish(topic, body, { qos: 1 });
  };
  const ctx: DeviceContext = {
    atmId,
    clock: options.clock,
    random: options.random,
    emit: (name, payload) => publish(topics.device(atmId, device.kind, 'evt', name), payload),
    setState: (patch) => {
      state = { ...state, ...patch };
      publish(stateTopic, state, true);
    },
    publish: (topic, payload) => publish(topic, payload),
    error: (code, message, topic) =>
      publish(topics.device(atmId, device.kind, 'evt', 'error'), {
        code: clip(code, 40),
        message: clip(message, ECHO_MESSAGE_CHARS),
        ...(topic ? { topic: clip(topic, ECHO_TOPIC_CHARS) } : {}),
      }),
  };

  client.on('message', (topic, buf) => {
    const channel = topic.split('/')[3] as 'cmd' | 'sim';
    const name = topic.split('/')[4] ?? '';
    void handle(channel, name, topic, buf).catch((err: unknown) =>
      ctx.error('device-failure', err instanceof Error ? err.message : String(err), topic),
    );
  });

  async function handle(channel: 'cmd' | 'sim', name: string, topic: string, buf: Buffer) {
    const schema = schemaFor(contract[channel], name);
    if (!schema)
      return ctx.error(
        `unknown-${channel}`,
        `${device.kind} has no ${channel} "${clip(name, 40)}"; known: ${Object.keys(contract[channel]).join(', ') || 'none'}`,
        topic,
      );
    const parsed = decode(buf, schema);
    if (!parsed.ok) return ctx.error('bad-payload', parsed.error, topic);
    if (channel === 'cmd') await device.command({ name, payload: parsed.data });
    else if (device.sim) await device.sim({ name, payload: parsed.data });
  }

  // Real hardware has no sim topics: a person acts on the device itself (or on an emulator serving its port).
  const filters = [topics.device(atmId, device.kind, 'cmd', '+'), ...(device.sim ? [topics.device(atmId, device.kind, 'sim', '+')] : [])];
  resubscribeOnReconnect(client, filters, () => ctx.setState({}));
  await device.start(ctx);
  await client.subscribeAsync(filters, { qos: 1 });
  ctx.setState({});

  return {
    device,
    client,
    async close() {
      await device.stop?.();
      await endBus(client, { topic: stateTopic, payload: { ...state, online: false } });
    },
  };
}
