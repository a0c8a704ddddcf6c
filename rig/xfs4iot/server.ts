/**
 * The face's one port (shared/reference/xfs4iot.md §1): the service publisher at /xfs4iot/v1.0 and each service at
 * /xfs4iot/v1.0/<ServiceName>/, over WebSocket (wss:// when TLS is on). The port is the configured one, or the
 * first free one of XFS4IoT's range 5846-5856. A client authenticates in the upgrade request (HTTP Basic: the ATM's
 * controller credential, or a one-service user) and reaches only what its login opens (auth.ts). A plain HTTP request gets 400, as KAL answers.
 * Sockets not yet upgraded are few and short-lived, per address and in all; upgraded ones are bounded per login, with
 * room kept for each ATM's controller (admission.ts).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ADMISSION_LIMITS, createAdmission, type AdmissionLogin } from './admission.ts';
import { Connection } from './connection.ts';
import type { ServiceHost } from './service-host.ts';
import type { Principal } from './service.ts';

/** XFS4IoT's port range for a service publisher (XFSConstants.PortRanges, less 80 and 443). */
export const XFS4IOT_PORTS = [5846, 5847, 5848, 5849, 5850, 5851, 5852, 5853, 5854, 5855, 5856] as const;
export const BASE_PATH = '/xfs4iot/v1.0';
/** The largest frame a client may send; a larger one closes its connection (1009). KAL allows 2 MiB. */
export const MAX_FRAME_BYTES = 1024 * 1024;

export interface Route {
  host: ServiceHost;
  /** The ATM whose service this is; undefined for the publisher (any ATM's controller may discover its own). */
  atmId?: string;
}

export interface FaceServerOptions {
  host: string;
  /** A port (0 = any free one); undefined = the first free one of 5846-5856. */
  port?: number;
  tls?: { cert: string; key: string };
  publisher: ServiceHost;
  services: ReadonlyMap<string, Route>;
  authenticate(authorization: string | undefined): Principal | undefined;
  /** A message the face would have sent that its schema refuses (a bug): told, not sent. */
  onInvalid(error: string): void;
}

export interface FaceServer {
  readonly port: number;
  /** ws://host:port/xfs4iot/v1.0 (wss:// with TLS). */
  readonly publisherUrl: string;
  serviceUrl(name: string): string;
  close(): Promise<void>;
}

export async function startFaceServer(options: FaceServerOptions): Promise<FaceServer> {
  const upgradeMs = ADMISSION_LIMITS.upgradeMs;
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, handshakeTimeout: upgradeMs })
    : createHttpServer();
  // A client that never finishes its upgrade request must not hold a socket for long, nor many of them.
  server.headersTimeout = upgradeMs;
  server.requestTimeout = upgradeMs;
  server.maxConnections = ADMISSION_LIMITS.maxSockets;
  const admission = createAdmission();
  // A socket is pending from its TCP connection, TLS handshake included, until its upgrade is admitted.
  server.on('connection', (socket: Socket) => admission.connected(socket));
  // With TLS the upgrade comes on the TLS socket, once its handshake (bounded by handshakeTimeout) is done.
  if (options.tls) server.on('secureConnection', (socket: Socket) => admission.secured(socket));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });

  server.on('request', (_req, res) => {
    res
      .writeHead(400, { 'content-type': 'text/plain' })
      .end(`XFS4IoT services speak WebSocket: ${BASE_PATH} and ${BASE_PATH}/<ServiceName>/\n`);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => undefined);
    const route = routeOf(req.url ?? '', options);
    if (!route) return refuse(socket, 404, 'Not Found');
    const principal = options.authenticate(req.headers.authorization);
    if (!principal) return refuse(socket, 401, 'Unauthorized', 'WWW-Authenticate: Basic realm="atm-rig XFS4IoT"\r\n');
    if (route.atmId !== undefined && route.atmId !== principal.atmId) return refuse(socket, 403, 'Forbidden');
    // A one-service login opens that service, and the publisher to discover it.
    if (principal.service !== undefined && route.host !== options.publisher && route.host.definition.name !== principal.service)
      return refuse(socket, 403, 'Forbidden');
    // Sockets per login, and room for each ATM's controller (admission.ts).
    const admitted = admission.admit(socket, loginOf(principal));
    if (admitted === 'login-full') return refuse(socket, 429, 'Too Many Requests');
    if (admitted === 'full') return refuse(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, route.host, principal, options.onInvalid));
  });

  const port = await listen(server, options.host, options.port);
  const scheme = options.tls ? 'wss' : 'ws';
  const publisherUrl = `${scheme}://${options.host}:${port}${BASE_PATH}`;
  return {
    port,
    publisherUrl,
    serviceUrl: (name) => `${publisherUrl}/${name}/`,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serve(ws: WebSocket, host: ServiceHost, principal: Principal, onInvalid: (error: string) => void): void {
  const conn: Connection = new Connection(ws, principal, onInvalid, () => host.remove(conn));
  host.add(conn);
  ws.on('message', (data: RawData) => {
    const cmd = conn.receive(toBuffer(data));
    if (cmd) host.submit(conn, cmd);
  });
  ws.on('close', () => host.remove(conn));
  // A frame over the limit or a protocol error: ws closes the socket; 'close' follows.
  ws.on('error', () => undefined);
}

/** One key per login: a one-service user is its service's name, an ATM's controller `<atm>.controller`. */
const loginOf = (principal: Principal): AdmissionLogin =>
  principal.service === undefined
    ? { key: `${principal.atmId}.controller`, controller: true }
    : { key: principal.service, controller: false };

const toBuffer = (data: RawData): Buffer => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));

function routeOf(url: string, options: FaceServerOptions): Route | undefined {
  const path = url.split('?')[0]!;
  if (path === BASE_PATH || path === `${BASE_PATH}/`) return { host: options.publisher };
  const m = new RegExp(`^${BASE_PATH.replace(/\./g, '\\.')}/([A-Za-z0-9._-]{1,100})/?$`).exec(path);
  return m ? options.services.get(m[1]!) : undefined;
}

function refuse(socket: Socket, code: number, text: string, extra = ''): void {
  socket.end(`HTTP/1.1 ${code} ${text}\r\n${extra}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Listen on the given port, or on the first free one of XFS4IoT's range. */
async function listen(server: Server, host: string, port: number | undefined): Promise<number> {
  const candidates = port === undefined ? XFS4IOT_PORTS : [port];
  let last: unknown;
  for (const p of candidates) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once('error', onError);
        server.listen(p, host, () => (server.off('error', onError), resolve()));
      });
      return (server.address() as AddressInfo).port;
    } catch (err) {
      last = err;
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  const range = port === undefined ? `${XFS4IOT_PORTS[0]}-${XFS4IOT_PORTS.at(-1)}` : String(port);
  throw Object.assign(new Error(`XFS4IoT: port ${range} is in use (--xfs4iot-port / xfs4iot.port; 0 = any free port)`), {
    code: 'EADDRINUSE',
    cause: last,
  });
}
