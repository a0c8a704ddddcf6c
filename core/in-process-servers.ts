/**
 * Servers running in this process, by the URL they listen on: the embedded MQTT broker and the bank's HTTP server.
 * A client in the same process (the rig's devices and controllers, a load run's customers, the Cucumber steps)
 * reaches one through a pair of in-memory streams instead of a loopback socket: the same MQTT packets or HTTP
 * requests through the same server and its hooks, without the kernel's share of every one (docs/performance.md).
 * Clients in other processes, Node-RED and browsers still use the servers' sockets.
 */
import type { Duplex } from 'node:stream';

/** Hand the server the server end of a new connection. */
export type AcceptConnection = (stream: Duplex) => void;

const servers = new Map<string, AcceptConnection>();

/** Serve `url` in process until the returned function is called (the server stops). */
export function serveInProcess(url: string, accept: AcceptConnection): () => void {
  servers.set(url, accept);
  return () => {
    if (servers.get(url) === accept) servers.delete(url);
  };
}

/** The server serving `url` in this process, if one is. */
export function inProcessServer(url: string): AcceptConnection | undefined {
  return servers.get(url);
}
