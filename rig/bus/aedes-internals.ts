/**
 * The parts of an Aedes instance its type does not declare, which the rig relies on in one place each: its
 * persistence (rig/bus/fresh-retained.ts sends retained messages as they are; a reorder fault stores the state it held
 * back), its emitter and the id and counter it stamps on a packet (rig/faults/bus-faults.ts puts a copy behind its
 * message), and the broker a client belongs to and the subscriptions it holds (the bus hooks, which count a
 * client's subscriptions and keep it from replacing one while Aedes removes it). Named here once, so an Aedes upgrade that moves them is read in one file; the tests that use them fail.
 */
import type { Readable } from 'node:stream';
import type { Aedes, Client } from 'aedes';

export interface RetainedPacket {
  cmd: string;
  topic: string;
  qos: number;
  payload: Buffer;
}

export interface AedesPersistence {
  storeRetained(packet: RetainedPacket): Promise<void>;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

export interface AedesInternals {
  id: string;
  counter: number;
  mq: { emit(packet: { payload: Buffer }, done?: () => void): void };
  persistence: AedesPersistence;
}

export const internalsOf = (broker: Aedes) => broker as unknown as AedesInternals;

/** The broker a connection belongs to (during a restart the rig's handle may already name the new one). */
export const brokerOf = (client: Client) => (client as unknown as { broker: Aedes }).broker;

/** The subscriptions a connection holds, by filter, as Aedes keeps them (its own; the rig only reads them). */
export const subscriptionsOf = (client: Client) =>
  ((client as unknown as { subscriptions?: Record<string, { qos: 0 | 1 | 2 }> }).subscriptions ?? {}) as Readonly<
    Record<string, { qos: 0 | 1 | 2 }>
  >;
