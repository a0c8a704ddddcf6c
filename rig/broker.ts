/**
 * The embedded MQTT broker: Aedes on TCP and on WebSocket (for browsers and Node-RED's ws transport).
 * Ports default to the MQTT conventions; 0 asks the OS for a free port (what the tests use).
 * Aedes hooks (`authenticate`, `authorizePublish`, ...) are passed through untouched: access control is a
 * layer on the broker, not a special case inside it. Every connection, whatever its transport, passes the packet
 * guard first (rig/bus/packet-guard.ts): oversize packets and stalled CONNECTs never reach Aedes's buffers.
 * Clients in this process (the rig's own devices and controllers) reach it in memory, past the guard: see
 * core/in-process-servers.ts.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { Aedes, type AedesOptions } from 'aedes';
import { namePortClash } from './port-clash.ts';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { MAX_PACKET_BYTES } from '../core/bus-limits.ts';
import { createPacketGuard, type GuardLimits } from './bus/packet-guard.ts';
import { serveInProcess } from '../core/in-process-servers.ts';
import { sendRetainedFresh } from './bus/fresh-retained.ts';
import { internalsOf } from './bus/aedes-internals.ts';

export interface BrokerConfig {
  host?: string;
  /** MQTT over TCP; 0 for a free port. Default 1883. */
  port?: number;
  /** MQTT over WebSocket; 0 for a free port, null for none. Default 9001 (the usual MQTT-over-WebSocket port). */
  wsPort?: number | null;
  hooks?: Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward' | 'preConnect' | 'published'>;
  /** mqtts:// and wss:// listeners as well, with this certificate. Ports 0 for free ones. */
  tls?: { port: number; wsPort: number | null; cert: string; key: string };
  /** Bounds on what a connection may cost before and after its CONNECT (defaults: DEFAULT_LIMITS). */
  limits?: Partial<GuardLimits>;
  /** Told about every connection the guard drops. */
  onRefused?: (why: string) => void;
}

/** Where a broker set up as `broker` in a rig config listens (`atm-rig up` embedded, or `atm-rig broker` alone):
 *  its ports, and mqtts:// and wss:// with this TLS identity when its `tls` is on. */
export function listenersOf(
  b: { host: string; port: number; wsPort: number | null; tls?: { port: number; wsPort: number | null } },
  identity: { cert: string; key: string } | undefined,
): Pick<BrokerConfig, 'host' | 'port' | 'wsPort' | 'tls'> {
  const tls = b.tls && identity ? { port: b.tls.port, wsPort: b.tls.wsPort, cert: identity.cert, key: identity.key } : undefined;
  return { host: b.host, port: b.port, wsPort: b.wsPort, ...(tls ? { tls } : {}) };
}

export const DEFAULT_LIMITS: GuardLimits = {
  maxPacketBytes: MAX_PACKET_BYTES,
  maxPending: 64,
  connectTimeoutMs: 5000,
  // A dashboard catching up with a thousand ATMs' states is a few MB; a reader past this has stopped reading.
  maxBacklogBytes: 8 * 2 ** 20,
};

/** A port that is taken, with the option that chose it, so the user knows what to change. */
export interface RunningBroker {
  readonly aedes: Aedes;
  /** mqtt://host:port */
  url: string;
  /** ws://host:port, when the WebSocket listener is on. */
  wsUrl?: string;
  /** mqtts://host:port and wss://host:port, when TLS is on. */
  tlsUrl?: string;
  wssUrl?: string;
  close(): Promise<void>;
  /** Stop and start again on the same ports, losing sessions and retained messages (a broker crash). */
  restart(): Promise<void>;
  /** Connections waiting for their CONNECT (bounded by limits.maxPending). */
  readonly pendingConnects: number;
}

type AnyServer = TcpServer | HttpServer | TlsServer | HttpsServer;

export async function startBroker(config: BrokerConfig = {}): Promise<RunningBroker> {
  const host = config.host ?? '127.0.0.1';
  const limits: GuardLimits = { ...DEFAULT_LIMITS, ...config.limits };
  // A deep topic once crashed Aedes (GHSA-xxqp-5qx8-gj5q); our contract never goes past 6 levels.
  // No cap on messages in flight in its emitter (concurrency 0; Aedes's default is 100): past the cap they queue, and
  // the emitter drains its queue recursively, one stack frame deep per message nobody reads, so a rig of 400 ATMs
  // going offline at once died of "Maximum call stack size exceeded" (mcollina/mqemitter#204, open). Messages in flight
  // stay bounded by the connections: Aedes takes a client's next packet once its last one is delivered (a read's worth
  // of packets at a time), and a reader that stops reading is cut off past its backlog (packet-guard.ts).
  const aedes = await Aedes.createBroker({
    maxTopicLevels: 16,
    connectTimeout: limits.connectTimeoutMs,
    concurrency: 0,
    ...config.hooks,
  });
  sendRetainedFresh(internalsOf(aedes).persistence);
  const guard = createPacketGuard(limits, config.onRefused);
  // Every connection handed to Aedes, until it closes: Aedes closes those of its clients, but not one whose CONNECT
  // is still being checked, which would then wait out the client's connect timeout on a broker that is gone (and,
  // over TCP, keep the server's close waiting as long).
  const connections = new Set<Duplex>();
  const handle = (stream: Duplex) => {
    connections.add(stream);
    stream.once('close', () => connections.delete(stream));
    aedes.handle(stream as never);
  };
  const admit = (stream: Duplex, address: string | undefined) => {
    const guarded = guard.admit(stream, address);
    if (guarded) handle(guarded);
  };
  const onSocket = (socket: Socket) => admit(socket, socket.remoteAddress);
  // A WebSocket message is buffered whole by ws before anyone sees it: cap it at one packet and its header.
  const wsOptions = { maxPayload: limits.maxPacketBytes + 5 };
  const onWebSocket = (wss: WebSocketServer) =>
    wss.on('connection', (socket, req) => admit(createWebSocketStream(socket), req.socket.remoteAddress));

  const servers: AnyServer[] = [];
  const wsServers: WebSocketServer[] = [];
  let stopServingInProcess = () => {};
  const close = async () => {
    stopServingInProcess();
    for (const client of wsServers.flatMap((w) => [...w.clients])) client.terminate();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    for (const connection of connections) connection.destroy();
    await Promise.all(servers.map(closeServer));
  };
  const open = async <S extends AnyServer>(server: S, port: number, option: string): Promise<string> => {
    servers.push(server);
    await listen(server, port, host).catch((err: unknown) => {
      throw namePortClash(err, port, option);
    });
    return `${host}:${(server.address() as AddressInfo).port}`;
  };
  // An upgrade request is not an MQTT connection yet, so the packet guard does not see it: its headers get the
  // guard's own deadline instead of Node's 60 s (the attack review held 2,000 half-sent upgrades open).
  const upgradeDeadline = {
    connectionsCheckingInterval: Math.min(1000, limits.connectTimeoutMs),
    headersTimeout: limits.connectTimeoutMs,
    requestTimeout: limits.connectTimeoutMs,
  };
  const webSocket = <S extends HttpServer | HttpsServer>(server: S) => {
    server.maxHeadersCount = 64;
    const wss = new WebSocketServer({ server, ...wsOptions });
    // ws re-emits the HTTP server's errors (a busy port) on itself; listen() reports them, so this must not throw.
    wss.on('error', () => {});
    wsServers.push(wss);
    onWebSocket(wss);
    return server;
  };

  let url: string;
  let wsUrl: string | undefined;
  let tlsUrl: string | undefined;
  let wssUrl: string | undefined;
  try {
    // noDelay: MQTT packets are small and latency-bound; Nagle + delayed ACK would add ~40 ms per round trip.
    url = `mqtt://${await open(createTcpServer({ noDelay: true }, onSocket), config.port ?? 1883, '--mqtt-port / broker.port')}`;
    stopServingInProcess = serveInProcess(url, handle);
    const wsPort = config.wsPort === undefined ? 9001 : config.wsPort;
    if (wsPort !== null) {
      const http = webSocket(
        createHttpServer(upgradeDeadline, (_req, res) =>
          res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n'),
        ),
      );
      wsUrl = `ws://${await open(http, wsPort, '--ws-port / broker.wsPort')}`;
    }
    if (config.tls) {
      const { cert, key } = config.tls;
      const tls = createTlsServer({ cert, key, handshakeTimeout: limits.connectTimeoutMs }, onSocket);
      tlsUrl = `mqtts://${await open(tls, config.tls.port, 'broker.tls.port')}`;
      if (config.tls.wsPort !== null) {
        const https = webSocket(
          createHttpsServer({ cert, key, ...upgradeDeadline }, (_req, res) => res.writeHead(426).end('MQTT over WebSocket only\n')),
        );
        wssUrl = `wss://${await open(https, config.tls.wsPort, 'broker.tls.wsPort')}`;
      }
    }
  } catch (err) {
    // Free what did start, so a caller that falls back to other ports does not keep a half broker alive.
    await close();
    throw err;
  }

  let current: RunningBroker = {
    aedes,
    get pendingConnects() {
      return guard.pending;
    },
    url,
    wsUrl,
    tlsUrl,
    wssUrl,
    close,
    async restart() {
      await close();
      const port = (u: string | undefined) => (u ? Number(new URL(u).port) : null);
      const again = await startBroker({
        ...config,
        port: port(url)!,
        ...(wsUrl ? { wsPort: port(wsUrl) } : {}),
        ...(config.tls ? { tls: { ...config.tls, port: port(tlsUrl)!, wsPort: port(wssUrl) } } : {}),
      });
      current = again;
    },
  };
  // The handle stays the same object across restarts; it forwards to whichever broker is running.
  return {
    get aedes() {
      return current.aedes;
    },
    get pendingConnects() {
      return current.pendingConnects;
    },
    url,
    wsUrl,
    tlsUrl,
    wssUrl,
    close: () => current.close(),
    restart: () => current.restart(),
  };
}

function listen(server: AnyServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: AnyServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    (server as HttpServer).closeAllConnections?.();
  });
}

export { namePortClash, PortInUseError } from './port-clash.ts';
