/**
 * Is an ATM already running somewhere? Its devices' retained states say `online: true` while they run; a clean stop
 * says offline and a crash leaves the broker's will (offline) behind. A second host running the same ATMs would get
 * every key press twice and, when stopped, mark the first host's devices offline (user review): refused at start.
 */
import { connectBus } from '../../core/bus.ts';
import { mapLimit } from '../../core/pool.ts';
import { topics } from '../../devices/topics.ts';
import type { BusCredential } from '../bus/security.ts';

/** Long enough for a broker to send the retained states after the SUBACK. */
const SETTLE_MS = 300;
const AT_ONCE = 16;

/** The ids of these ATMs that have a device online on the broker now, each asked as its own controller. */
export async function runningAtms(brokerUrl: string, ids: readonly string[], controller: (id: string) => BusCredential): Promise<string[]> {
  const online = await mapLimit(ids, AT_ONCE, (id) => isOnline(brokerUrl, id, controller(id)));
  return ids.filter((_, i) => online[i]);
}

async function isOnline(brokerUrl: string, atmId: string, credential: BusCredential): Promise<boolean> {
  const client = await connectBus(brokerUrl, `${atmId}:check`, { ...credential, reconnectPeriod: 0, connectTimeout: 5000 });
  try {
    let seen = false;
    client.on('message', (_topic, payload) => {
      try {
        if ((JSON.parse(payload.toString('utf8')) as { online?: unknown }).online === true) seen = true;
      } catch {
        // not a state the contract knows: says nothing about a live device
      }
    });
    await client.subscribeAsync(topics.deviceState(atmId, '+'), { qos: 1 });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return seen;
  } finally {
    await client.endAsync(true);
  }
}
