/**
 * Every atm-rig MQTT client connects through here: one naming scheme for client ids (`atm-rig:<role>:<random>`,
 * readable in broker logs) and TCP_NODELAY on the socket, because MQTT traffic here is small request/response
 * packets and Nagle's algorithm with delayed ACKs adds tens of milliseconds to each round trip. A broker running in
 * this process is reached in memory (core/in-process-servers.ts), reconnects included.
 */
import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { duplexPair } from './duplex-pair.ts';
import { inProcessServer } from './in-process-servers.ts';

export async function connectBus(url: string, role: string, options: IClientOptions = {}): Promise<MqttClient> {
  const settings = { clientId: `atm-rig:${role}:${Math.floor(Math.random() * 2 ** 32).toString(36)}`, ...options };
  if (inProcessServer(url)) return connectInProcess(url, settings);
  const client = await mqtt.connectAsync(url, settings);
  const tune = () => (client.stream as Partial<Socket>).setNoDelay?.(true);
  tune();
  client.on('connect', tune);
  return client;
}

/** As mqtt.connectAsync: resolves on the first CONNACK, rejects on the first error (a refused login). While the
 *  broker is away (a restart), each attempt is refused as a closed port would be, and the client retries. */
function connectInProcess(url: string, options: IClientOptions): Promise<MqttClient> {
  const client = new mqtt.MqttClient(() => {
    const [mine, theirs] = duplexPair();
    const accept = inProcessServer(url);
    if (accept) accept(theirs);
    else process.nextTick(() => mine.destroy());
    return mine as never;
  }, options);
  // As mqtt.connect does for every client it makes: mqtt.js emits 'error' for a keepalive or CONNACK timeout and for
  // a publish on a closing client, and an 'error' nobody listens to ends the process.
  client.on('error', () => {});
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      client.off('connect', connected);
      client.off('error', failed);
      if (!err) return resolve(client);
      client.end(true);
      reject(err);
    };
    const connected = () => settle();
    const failed = (err: Error) => settle(err);
    client.once('connect', connected);
    client.once('error', failed);
  });
}

/**
 * Publish a retained state, unless the link is down: queued, mqtt.js would send it on the reconnect before the client
 * has subscribed again (resubscribeOnReconnect's `then` publishes the state once the client can hear).
 */
export function publishState(client: MqttClient, topic: string, body: string): Promise<void> {
  if (!client.connected) return Promise.resolve();
  return client.publishAsync(topic, body, { qos: 1, retain: true }).then(() => undefined);
}

/**
 * After every reconnect: subscribe to `filters` again, then call `then` (publish again the retained state a restarted
 * broker lost). mqtt.js's own resubscribe is turned off for the client: it lets 'connect' out before the broker holds
 * the subscriptions, and what a reader sent on seeing the state (a key pressed the moment the keypad is back) was lost.
 */
export function resubscribeOnReconnect(client: MqttClient, filters: string[], then: () => unknown): void {
  client.options.resubscribe = false; // read at each reconnect
  client.on('connect', () => void client.subscribeAsync(filters, { qos: 1 }).then(then, () => undefined));
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
