// Bus hardening (issue 10, items 11, 14, 15) at the broker itself: real Aedes behind the packet guard, raw sockets
// (node:net, node:tls, ws) writing hand-made MQTT packets, and real MQTT clients.
import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PortInUseError, startBroker, type BrokerConfig, type RunningBroker } from '../broker.ts';
import type { ThrottleOptions } from './login-throttle.ts';
import { prepareBusSecurity, type BusSecurity } from './security.ts';
import { loadOrCreateTls } from './tls.ts';

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function broker(
  config: BrokerConfig & { throttle?: Partial<ThrottleOptions> } = {},
): Promise<{ broker: RunningBroker; bus: BusSecurity; denied: string[] }> {
  const denied: string[] = [];
  const bus = await prepareBusSecurity(['atm-1'], undefined, {
    iterations: 10,
    onDenied: (d) => denied.push(d),
    ...(config.throttle ? { throttle: config.throttle } : {}),
  });
  const b = await startBroker({ port: 0, wsPort: null, hooks: bus.hooks, onRefused: (d) => denied.push(d), ...config });
  opened.push(b);
  return { broker: b, bus, denied };
}

const portOf = (url: string) => Number(new URL(url).port);

/** The fixed header of a packet of `type` announcing `length` bytes after it. */
function fixedHeader(type: number, length: number): Buffer {
  const bytes = [type << 4];
  do {
    let b = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) b |= 0x80;
    bytes.push(b);
  } while (length > 0);
  return Buffer.from(bytes);
}

/** A whole MQTT 3.1.1 CONNECT. */
function connectPacket(o: { clientId: string; username?: string; password?: string }): Buffer {
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const flags = 0x02 | (o.username !== undefined ? 0x80 : 0) | (o.password !== undefined ? 0x40 : 0);
  const body = Buffer.concat([
    str('MQTT'),
    Buffer.from([4, flags, 0, 60]),
    str(o.clientId),
    ...(o.username !== undefined ? [str(o.username)] : []),
    ...(o.password !== undefined ? [str(o.password)] : []),
  ]);
  return Buffer.concat([fixedHeader(1, body.length), body]);
}

/** Resolves true when the peer closes `socket` within `ms`, false otherwise (the socket is then destroyed). */
function closedWithin(socket: Socket | WebSocket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    // Closed already (before anyone listened): that counts.
    if (socket instanceof WebSocket ? socket.readyState === WebSocket.CLOSED : socket.closed) return resolve(true);
    if (!(socket instanceof WebSocket)) socket.resume(); // a paused socket never sees the broker's FIN
    const timer = setTimeout(() => {
      if (socket instanceof WebSocket) socket.terminate();
      else socket.destroy();
      resolve(false);
    }, ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on('error', () => {});
  });
}

function tcp(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect(portOf(url), '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends a CONNECT on a raw socket: the CONNACK return code, or 'closed' when the broker hangs up without one. */
async function rawLogin(url: string, login: { clientId: string; username?: string; password?: string }): Promise<number | 'closed'> {
  const s = await tcp(url);
  return new Promise((resolve) => {
    s.once('data', (d: Buffer) => {
      s.destroy();
      resolve(d[0] === 0x20 ? d[3]! : 'closed');
    });
    s.once('close', () => resolve('closed'));
    s.on('error', () => {});
    s.write(connectPacket(login));
  });
}

const HUGE = 250 * 1024 * 1024;
let cert: Promise<{ cert: string; key: string }> | undefined;
const selfSigned = () => (cert ??= loadOrCreateTls({}));

describe('item 11: oversize packets and stalled CONNECTs', () => {
  it('drops a CONNECT announcing 250 MB right after its header, over TCP and WebSocket', async () => {
    const { broker: b, denied } = await broker({ wsPort: 0 });
    const s = await tcp(b.url);
    s.write(fixedHeader(1, HUGE));
    expect(await closedWithin(s, 2000)).toBe(true);

    const ws = new WebSocket(b.wsUrl!, 'mqtt');
    await new Promise((r) => ws.once('open', r));
    ws.send(fixedHeader(1, HUGE));
    expect(await closedWithin(ws, 2000)).toBe(true);
    expect(denied.filter((d) => d.includes(`announced ${HUGE} bytes`))).toHaveLength(2);
  });

  it('does the same on mqtts:// and wss://', async () => {
    const { cert, key } = await selfSigned();
    const { broker: b } = await broker({ tls: { port: 0, wsPort: 0, cert, key } });
    const s = tlsConnect({ port: portOf(b.tlsUrl!), host: '127.0.0.1', ca: cert, servername: 'localhost' });
    await new Promise((r) => s.once('secureConnect', r));
    s.write(fixedHeader(1, HUGE));
    expect(await closedWithin(s, 2000)).toBe(true);
    const ws = new WebSocket(b.wssUrl!, 'mqtt', { ca: cert });
    await new Promise((r) => ws.once('open', r));
    ws.send(fixedHeader(1, HUGE));
    expect(await closedWithin(ws, 2000)).toBe(true);
  });

  it('drops a published packet over the limit from its header, and a first packet that is not a CONNECT', async () => {
    const { broker: b, bus } = await broker();
    const s = await tcp(b.url);
    s.write(connectPacket({ clientId: 'big', ...bus.simulator }));
    await new Promise((r) => s.once('data', r)); // CONNACK
    s.write(fixedHeader(3, HUGE));
    expect(await closedWithin(s, 2000)).toBe(true);
    const t = await tcp(b.url);
    t.write(fixedHeader(3, 10));
    expect(await closedWithin(t, 2000)).toBe(true);
  });

  it('holds at most maxPending connections without a complete CONNECT: a newcomer displaces the longest waiter', async () => {
    const { broker: b, bus } = await broker({ limits: { maxPending: 3, connectTimeoutMs: 60_000 } });
    const idle = [await tcp(b.url), await tcp(b.url), await tcp(b.url)];
    idle[0]!.write(connectPacket({ clientId: 'half' }).subarray(0, 10)); // half a CONNECT is still pending
    // Every slot held by an idle socket (the attack review's lock-out): a real client still logs in, and the
    // socket that waited longest is the one dropped.
    expect(await rawLogin(b.url, { clientId: 'late', ...bus.simulator })).toBe(0);
    expect(await closedWithin(idle[0]!, 2000)).toBe(true);
    expect(idle[1]!.closed || idle[2]!.closed).toBe(false);
    // A flood of newcomers cycles through the slots; none of them keeps the broker from the next real client.
    const flood = await Promise.all(Array.from({ length: 10 }, () => tcp(b.url)));
    expect(await rawLogin(b.url, { clientId: 'later', ...bus.simulator })).toBe(0);
    expect(b.pendingConnects).toBeLessThanOrEqual(3);
    for (const s of [...idle, ...flood]) s.destroy();
  });

  it('drops a WebSocket upgrade whose headers never finish, on the same deadline', async () => {
    const { broker: b } = await broker({ wsPort: 0, limits: { connectTimeoutMs: 300 } });
    const s = await tcp(b.wsUrl!.replace('ws:', 'mqtt:'));
    s.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n'); // and never the blank line
    expect(await closedWithin(s, 4000)).toBe(true);
  });

  it('drops a connection whose CONNECT does not complete in time', async () => {
    const { broker: b } = await broker({ limits: { connectTimeoutMs: 200 } });
    const s = await tcp(b.url);
    s.write(connectPacket({ clientId: 'slow' }).subarray(0, 5));
    expect(await closedWithin(s, 3000)).toBe(true);
  });
});

describe('a subscriber that stops reading (from the attack review)', () => {
  // With no cap on messages in flight (broker.ts), each message for a reader that had stopped reading its socket was
  // kept for it: twenty such readers under a flood took the broker to 2 GB and froze its event loop for 30 s.
  it('is cut off once its backlog passes the cap, and the others go on reading', async () => {
    const { broker: b, bus, denied } = await broker({ limits: { maxBacklogBytes: 2 * 2 ** 20 } });
    const stuck = await mqtt.connectAsync(b.url, { ...bus.observer, clientId: 'stuck', reconnectPeriod: 0 });
    await stuck.subscribeAsync('atm/atm-1/printer/evt/#', { qos: 0 });
    (stuck as unknown as { stream: { pause(): void } }).stream.pause();
    const reader = await mqtt.connectAsync(b.url, { ...bus.observer, clientId: 'reader', reconnectPeriod: 0 });
    await reader.subscribeAsync('atm/atm-1/printer/evt/#', { qos: 0 });
    let read = 0;
    reader.on('message', () => read++);
    const printer = await mqtt.connectAsync(b.url, { ...bus.internal.get('atm-1.printer')!, reconnectPeriod: 0 });
    const body = Buffer.alloc(60_000, 'x');
    // Past what the loopback's socket buffers hold, then well past the cap.
    for (let i = 0; i < 400; i++) await printer.publishAsync('atm/atm-1/printer/evt/printed', body, { qos: 1 });
    await expect.poll(() => denied.some((d) => /connection from .+ dropped: \d+ bytes waiting for it to read/.test(d))).toBe(true);
    await expect.poll(() => read, { timeout: 10_000 }).toBe(400);
    await Promise.all([printer.endAsync(), reader.endAsync(), stuck.endAsync(true)]);
  });
});

describe('item 14: failed logins cost nothing and are throttled per address', () => {
  it('answers a burst of failures at once, later ones late or not at all; a correct login always gets in', async () => {
    const { broker: b, bus, denied } = await broker({ throttle: { burst: 5, perSecond: 0.001, delayMs: 300, maxHeld: 3 } });
    const flood = Array.from({ length: 20 }, (_, i) =>
      rawLogin(b.url, { clientId: `guess-${i}`, username: 'simulator', password: `guess-${i}` }),
    );
    // In the middle of the flood, from the same address, the rig's own kind of client logs in at once.
    const good = await mqtt.connectAsync(b.url, { ...bus.simulator, reconnectPeriod: 0 });
    expect(good.connected).toBe(true);
    const outcomes = await Promise.all(flood);
    expect(outcomes.filter((o) => o === 4)).toHaveLength(5 + 3); // 5 at once, 3 after the delay
    expect(outcomes.filter((o) => o === 'closed')).toHaveLength(12);
    expect(denied.filter((d) => d.startsWith('bad credentials for simulator'))).toHaveLength(5);
    expect(denied.filter((d) => d.includes('throttled'))).toHaveLength(1);
    // Still throttled, a correct login is not.
    expect(await rawLogin(b.url, { clientId: 'after', ...bus.observer })).toBe(0);
    await good.endAsync();
  });

  it('never names a username that is not a bus user (it may be a password typed in the wrong field)', async () => {
    const { broker: b, denied } = await broker();
    expect(await rawLogin(b.url, { clientId: 'x', username: 'hunter2', password: 'x' })).toBe(4);
    expect(denied.join('\n')).not.toContain('hunter2');
  });
});

describe('item 15: a busy port is named, never a crash', () => {
  async function busyPort(): Promise<number> {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    opened.push({ close: () => new Promise((r) => server.close(r)) });
    return (server.address() as AddressInfo).port;
  }

  it('names --ws-port, --mqtt-port and the TLS options, and frees the ports it had already taken', async () => {
    const busy = await busyPort();
    const free = await busyPort().then(async (p) => {
      await opened.pop()!.close();
      return p;
    });
    await expect(startBroker({ port: free, wsPort: busy })).rejects.toThrow(/port \d+ \(--ws-port \/ broker\.wsPort\) is already in use/);
    // The TCP listener that did start was closed again: its port is free.
    const again = await startBroker({ port: free, wsPort: null });
    await again.close();
    await expect(startBroker({ port: busy, wsPort: null })).rejects.toBeInstanceOf(PortInUseError);
    await expect(startBroker({ port: busy, wsPort: null })).rejects.toThrow(/--mqtt-port/);
    const { cert, key } = await selfSigned();
    await expect(startBroker({ port: 0, wsPort: null, tls: { port: 0, wsPort: busy, cert, key } })).rejects.toThrow(/broker\.tls\.wsPort/);
    await expect(startBroker({ port: 0, wsPort: null, tls: { port: busy, wsPort: null, cert, key } })).rejects.toThrow(/broker\.tls\.port/);
  });
});
