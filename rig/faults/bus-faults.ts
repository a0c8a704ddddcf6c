/**
 * Bus faults in the embedded broker, at Aedes's `authorizePublish` hook: after the ACL has allowed a message, the
 * fault injector may take it off the wire (drop, and the first half of delay, duplicate and reorder: the message
 * is moved to a topic no one can subscribe to), change it (corrupt), or close its sender's connection
 * (disconnect). What was taken off is put back later with `aedes.publish`, which does not pass this hook again,
 * and still passes every reader's ACL check. The sender gets its PUBACK, the loss being between broker and readers
 * (where a real network's would be for a QoS 0 reader), except from a disconnect: its connection is cut before the
 * PUBACK, so a QoS 1 message is sent again when it reconnects, as over a real cable pulled at that moment.
 */
import type { Aedes, AedesOptions, AedesPublishPacket, Client, PublishPacket } from 'aedes';
import type { FaultInjector } from './injector.ts';
import type { BusFault } from './rule.ts';
import { brokerOf, internalsOf } from '../bus/aedes-internals.ts';

type PublishHooks = Pick<AedesOptions, 'authorizePublish'>;

/** Messages cut by a disconnect remembered until sent again; past this many they are forgotten (and cut once more). */
const MAX_CUT_REMEMBERED = 10_000;

/** The most messages a delay rule holds at once; past it, a message to delay is lost. */
export const MAX_DELAYED = 10_000;

/** Where a taken message goes meanwhile: `$` topics match no wildcard, and no client may subscribe to it. */
const TAKEN = '$atm-rig/fault/taken';

interface Copy {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
}

export function withBusFaults<H extends PublishHooks>(
  hooks: H,
  injector: FaultInjector,
  broker: () => Aedes,
  userOf: (client: Client) => string | undefined,
  limits: { maxDelayed?: number } = {},
): H {
  const maxDelayed = limits.maxDelayed ?? MAX_DELAYED;
  const inner = hooks.authorizePublish;
  // reorder: the message held back for each rule, until the next message under that rule has gone past.
  const held = new Map<string, { copy: Copy; timer: unknown }>();
  // Delayed messages waiting to go out, by rule: bounded, so a long delay on a busy topic cannot fill the broker's
  // memory; let go at once when their rule is cleared (clearing a fault mends the wire, and a held state message
  // must not be left to overwrite a newer one later).
  let delayed = 0;
  const waiting = new Map<string, Map<unknown, Copy>>();
  injector.onChange(() => {
    const live = new Set(injector.rules.map((r) => r.id));
    for (const id of [...held.keys()]) if (!live.has(id)) releaseNow(id);
    for (const [id, copies] of waiting) {
      if (live.has(id)) continue;
      waiting.delete(id);
      for (const timer of copies.keys()) injector.clock.clearTimeout(timer);
      delayed -= copies.size;
      publish([...copies.values()]);
    }
  });
  // Put back later (a delay over, a rule cleared, a reorder's wait over): through Aedes, in order.
  const publish = (copies: Copy[]) => {
    for (const copy of copies) broker().publish({ cmd: 'publish', dup: false, ...copy } as AedesPublishPacket, () => {});
  };
  // Put back right behind a message still on its way (a duplicate's second copy, a reorder's held one), at the moment
  // the broker hands that message to its emitter. Aedes handles the packets of one read together and publishes each
  // only after writing its PUBACK, so a copy published from the hook overtook the sender's earlier messages still in
  // flight (a PIN typed fast came out as "9 9 1 ENTER 1"). Keyed by the payload's bytes object, which Aedes carries
  // from the packet this hook sees to the one it emits.
  const behind = new WeakMap<Buffer, Copy[]>();
  const emitters = new WeakSet<object>();
  // On the broker that handles the message (the client's): during a restart the rig's handle still names the old one.
  const emitBehind = (client: Client) => {
    const b = internalsOf(brokerOf(client));
    if (emitters.has(b.mq)) return;
    emitters.add(b.mq);
    const emit = b.mq.emit.bind(b.mq);
    b.mq.emit = (packet, done) => {
      emit(packet, done);
      const copies = behind.get(packet.payload);
      if (!copies) return;
      behind.delete(packet.payload);
      for (const copy of copies) {
        const out = {
          cmd: 'publish',
          brokerId: b.id,
          brokerCounter: ++b.counter,
          ...copy,
          retain: false,
          dup: false,
          messageId: undefined,
        };
        // A retained state held back (reorder) is what readers saw last: the broker keeps it, as after a real reordering.
        if (copy.retain) void b.persistence.storeRetained({ ...out, retain: true } as never).catch(() => undefined);
        emit(out as never);
      }
    };
  };
  const putBehind = (client: Client, packet: PublishPacket, copy: Copy) => {
    emitBehind(client);
    // Its own bytes object: one a client sent twice, or an empty payload, must not be shared.
    packet.payload = Buffer.from(packet.payload);
    behind.set(packet.payload, [copy]);
  };
  const release = (ruleId: string) => {
    const h = held.get(ruleId);
    if (!h) return undefined;
    held.delete(ruleId);
    injector.clock.clearTimeout(h.timer);
    return h.copy;
  };
  const releaseNow = (ruleId: string) => {
    const copy = release(ruleId);
    if (copy) publish([copy]);
  };

  // The messages a disconnect cut, by sender and packet id, until they come again.
  const cutMessages = new Set<string>();
  const resentAfterCut = (client: Client, packet: PublishPacket) =>
    packet.messageId !== undefined && cutMessages.delete(`${client.id}\u0000${packet.messageId}`);

  /** Rules are tried in the order they were added; the first that applies acts, and a message sees one fault. An
   *  error cuts the sender's connection (Aedes closes it without a PUBACK). */
  const apply = (client: Client, packet: PublishPacket, rules: BusFault[]): Error | undefined => {
    for (const rule of rules) {
      if (rule.action === 'reorder' && held.has(rule.id)) {
        // The next message under a reorder rule goes first, the one held back right behind it.
        putBehind(client, packet, release(rule.id)!);
        return undefined;
      }
      // The message sent again after its cut goes through: one cut per message, and the sender comes back (cut at
      // every resend, it never did while the rule stood). mqtt.js resends it with its id, without the DUP flag.
      if (rule.action === 'disconnect' && resentAfterCut(client, packet)) continue;
      if (injector.fires(rule)) return act(client, packet, rule);
    }
    return undefined;
  };

  const act = (client: Client, packet: PublishPacket, rule: BusFault): Error | undefined => {
    const from = userOf(client);
    // A delay with its queue full loses the message, and says so.
    const full = rule.action === 'delay' && delayed >= maxDelayed;
    injector.report({
      id: rule.id,
      action: full ? 'drop' : rule.action,
      where: packet.topic,
      ...(from ? { from } : {}),
      ...(full ? { note: `${maxDelayed} messages already delayed` } : {}),
    });
    switch (rule.action) {
      case 'drop':
        take(packet);
        return;
      case 'delay': {
        const copy = take(packet);
        if (full) return;
        delayed++;
        const mine = waiting.get(rule.id) ?? waiting.set(rule.id, new Map()).get(rule.id)!;
        const timer: unknown = injector.clock.setTimeout(() => {
          delayed--;
          mine.delete(timer);
          publish([copy]);
        }, injector.delayOf(rule));
        mine.set(timer, copy);
        return;
      }
      case 'duplicate':
        putBehind(client, packet, { topic: packet.topic, payload: Buffer.from(packet.payload), qos: packet.qos, retain: false });
        return;
      case 'reorder': {
        const copy = take(packet);
        held.set(rule.id, { copy, timer: injector.clock.setTimeout(() => releaseNow(rule.id), rule.ms ?? 1000) });
        return;
      }
      case 'corrupt':
        packet.payload = corrupt(Buffer.from(packet.payload), rule.corrupt ?? 'bitflip', injector);
        return;
      case 'disconnect':
        if (packet.messageId !== undefined) {
          if (cutMessages.size >= MAX_CUT_REMEMBERED) cutMessages.clear();
          cutMessages.add(`${client.id}\u0000${packet.messageId}`);
        }
        return new Error(`bus fault ${rule.id}: the connection is cut`);
    }
    return undefined;
  };

  return {
    ...hooks,
    authorizePublish: (client, packet, callback) => {
      const decide = (err?: Error | null) => {
        if (err || !client) return callback(err ?? null);
        let cut: Error | undefined;
        try {
          cut = apply(client, packet, injector.busRulesFor(packet.topic, userOf(client)));
        } catch {
          // A fault must never take the broker down; the message goes through untouched.
        }
        callback(cut ?? null);
      };
      if (inner) inner(client, packet, decide);
      else decide(null);
    },
  };
}

/** Take the message off the wire; returns what to put back later. */
function take(packet: PublishPacket): Copy {
  const copy: Copy = {
    topic: packet.topic,
    payload: Buffer.from(packet.payload),
    qos: packet.qos,
    retain: packet.retain,
  };
  packet.topic = TAKEN;
  packet.retain = false;
  return copy;
}

/** Flip one to three bits, or cut the payload short (never to nothing: an empty retained message clears state). */
export function corrupt(payload: Buffer, how: 'bitflip' | 'truncate', injector: Pick<FaultInjector, 'random'>): Buffer {
  const out = Buffer.from(payload);
  if (out.length === 0) return out;
  if (how === 'truncate') return out.subarray(0, injector.random.int(1, Math.max(1, out.length - 1)));
  const flips = injector.random.int(1, 3);
  for (let i = 0; i < flips; i++) {
    const bit = injector.random.int(0, out.length * 8 - 1);
    out[bit >> 3]! ^= 1 << (bit & 7);
  }
  return out;
}
