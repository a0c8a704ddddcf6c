/**
 * Brokers running in this process, by the URL they listen on. A client in the same process (the rig's devices and
 * controllers, a load run's customers, the Cucumber steps) reaches one through a pair of in-memory streams instead
 * of a loopback socket: the same MQTT packets through the same broker and its hooks, without the kernel's share of
 * every packet (a sixth of a session's CPU, docs/performance.md). Clients in other processes, Node-RED and browsers
 * still use the broker's sockets.
 */
import type { Duplex } from 'node:stream';

/** Hand the broker the server end of a new connection. */
export type AcceptConnection = (stream: Duplex) => void;

const brokers = new Map<string, AcceptConnection>();

/** Serve `url` in process until the returned function is called (the broker stops). */
export function serveInProcess(url: string, accept: AcceptConnection): () => void {
  brokers.set(url, accept);
  return () => {
    if (brokers.get(url) === accept) brokers.delete(url);
  };
}

/** The broker serving `url` in this process, if one is. */
export function inProcessBroker(url: string): AcceptConnection | undefined {
  return brokers.get(url);
}
