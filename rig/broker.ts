/**
 * The embedded MQTT broker: Aedes on TCP and on WebSocket (for browsers and Node-RED's ws transport).
 * Ports default to the MQTT conventions; 0 asks the OS for a free port (what the tests use).
 * Aedes hooks (`authenticate`, `authorizePublish`, ...) are passed through untouched: access control is a
 * layer on the broker, not a special case inside it.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { Aedes, type AedesOptions } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';

export interface BrokerConfig {
  host?: string;
  /** MQTT over TCP; 0 for a free port. Default 1883. */
  port?: number;
  /** MQTT over WebSocket; 0 for a free port, null for none. Default 9001 (the usual MQTT-over-WebSocket port). */
  wsPort?: number | null;
  hooks?: Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward' | 'preConnect' | 'published'>;
  /** mqtts:// and wss:// listeners as well, with this certificate. Ports 0 for free ones. */
  tls?: { port: number; wsPort: number | null; cert: string; key: string };
}

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
}

export async function startBroker(config: BrokerConfig = {}): Promise<RunningBroker> {
  const host = config.host ?? '127.0.0.1';
  // A deep topic once crashed Aedes (GHSA-xxqp-5qx8-gj5q); our contract never goes past 6 levels.
  const aedes = await Aedes.createBroker({ maxTopicLevels: 16, ...config.hooks });
  // noDelay: MQTT packets are small and latency-bound; Nagle + delayed ACK would add ~40 ms per round trip.
  const tcp: TcpServer = createTcpServer({ noDelay: true }, aedes.handle);
  await listen(tcp, config.port ?? 1883, host);
  const url = `mqtt://${host}:${(tcp.address() as AddressInfo).port}`;

  let http: HttpServer | undefined;
  let wss: WebSocketServer | undefined;
  let wsUrl: string | undefined;
  const wsPort = config.wsPort === undefined ? 9001 : config.wsPort;
  if (wsPort !== null) {
    http = createHttpServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n'));
    wss = new WebSocketServer({ server: http });
    wss.on('connection', (socket, req) => aedes.handle(createWebSocketStream(socket) as never, req));
    await listen(http, wsPort, host);
    wsUrl = `ws://${host}:${(http.address() as AddressInfo).port}`;
  }

  let tlsServer: TlsServer | undefined;
  let https: HttpsServer | undefined;
  let wssServer: WebSocketServer | undefined;
  let tlsUrl: string | undefined;
  let wssUrl: string | undefined;
  if (config.tls) {
    tlsServer = createTlsServer({ cert: config.tls.cert, key: config.tls.key }, aedes.handle);
    await listen(tlsServer, config.tls.port, host);
    tlsUrl = `mqtts://${host}:${(tlsServer.address() as AddressInfo).port}`;
    if (config.tls.wsPort !== null) {
      https = createHttpsServer({ cert: config.tls.cert, key: config.tls.key }, (_req, res) => res.writeHead(426).end('MQTT over WebSocket only\n'));
      wssServer = new WebSocketServer({ server: https });
      wssServer.on('connection', (socket, req) => aedes.handle(createWebSocketStream(socket) as never, req));
      await listen(https, config.tls.wsPort, host);
      wssUrl = `wss://${host}:${(https.address() as AddressInfo).port}`;
    }
  }

  const close = async () => {
    for (const client of [...(wss?.clients ?? []), ...(wssServer?.clients ?? [])]) client.terminate();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await Promise.all([closeServer(tcp), http ? closeServer(http) : undefined, tlsServer ? closeServer(tlsServer) : undefined, https ? closeServer(https) : undefined]);
  };
  let current: RunningBroker = {
    aedes,
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
    url,
    wsUrl,
    tlsUrl,
    wssUrl,
    close: () => current.close(),
    restart: () => current.restart(),
  };
}

function listen(server: TcpServer | HttpServer | TlsServer | HttpsServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: TcpServer | HttpServer | TlsServer | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as HttpServer).closeAllConnections?.();
  });
}
