/**
 * The retained messages a new subscription is sent are the latest, never ones already stale when sent.
 *
 * Aedes answers a SUBSCRIBE by adding the subscription, then streaming the matching retained messages from its
 * persistence, which reads them into buffers ahead of sending them one by one. A state published meanwhile goes to
 * the new subscriber live and is then followed by the older value read before it: the subscriber is left with a
 * stale state (a person's view of the LCD blank while the screen says Welcome) until the next change, which may
 * never come. Mosquitto sends the retained messages within the SUBSCRIBE's own handling, so it has no such window.
 *
 * Here the stream yields a view of each topic's retained message that Aedes reads as it builds the packet it
 * sends: the last message a subscriber gets on a state topic is the current one (it may get the same state twice,
 * live and retained, which a state reader takes as it takes any repeat).
 */
import { Transform } from 'node:stream';
import type { AedesPersistence, RetainedPacket } from './aedes-internals.ts';

const EMPTY = Buffer.alloc(0);

/** Make a broker's persistence send each retained message as it is when sent. */
export function sendRetainedFresh(store: AedesPersistence): void {
  const latest = new Map<string, RetainedPacket>();
  const storeRetained = store.storeRetained.bind(store);
  store.storeRetained = (packet) => {
    if (packet.payload.length === 0) latest.delete(packet.topic);
    else latest.set(packet.topic, packet);
    return storeRetained(packet);
  };
  const readAhead = store.createRetainedStreamCombi.bind(store);
  store.createRetainedStreamCombi = (patterns) =>
    readAhead(patterns).pipe(
      new Transform({
        objectMode: true,
        transform(read: RetainedPacket, _encoding, done) {
          // Cleared since it was read: the clear went to the subscriber live, so an empty message again, never the
          // value it cleared (every retained message is stored through storeRetained above, faults' copies too).
          const now = () => latest.get(read.topic) ?? { ...read, payload: EMPTY };
          const view: RetainedPacket = {
            topic: read.topic,
            get cmd() {
              return now().cmd;
            },
            get qos() {
              return now().qos;
            },
            get payload() {
              return now().payload;
            },
          };
          done(null, view);
        },
      }),
    );
}
