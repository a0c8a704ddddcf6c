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
