/**
 * Every atm-rig MQTT client connects through here: one naming scheme for client ids (`atm-rig:<role>:<random>`,
 * readable in broker logs) and TCP_NODELAY on the socket, because MQTT traffic here is small request/response
 * packets and Nagle's algorithm with delayed ACKs adds tens of milliseconds to each round trip.
 */
import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export async function connectBus(url: string, role: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, {
    clientId: `atm-rig:${role}:${Math.floor(Math.random() * 2 ** 32).toString(36)}`,
    ...options,
  });
  const tune = () => (client.stream as Partial<Socket>).setNoDelay?.(true);
  tune();
  client.on('connect', tune);
  return client;
}

/**
 * End a client, first publishing its last retained state (an `offline` it says itself: the will fires only on an
 * unclean end). Without a broker there is no one to tell, and a QoS 1 publish would wait for one for ever: the client
 * then ends at once (an ATM host whose broker is gone still stops).
 */
export async function endBus(client: MqttClient, last?: { topic: string; payload: object }): Promise<void> {
  if (last && client.connected)
    await client.publishAsync(last.topic, JSON.stringify(last.payload), { qos: 1, retain: true }).catch(() => undefined);
  await client.endAsync(!client.connected);
}
