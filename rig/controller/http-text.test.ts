// The controller's HTTP client reaches a server in this process in memory, and the others over TCP; a server gone
// mid-conversation is an error, never a hang.
import { createServer, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { serveInProcess } from '../../core/in-process-servers.ts';
import { createHttpTextClient } from './http-text.ts';

let server: Server;
const connections: string[] = [];

async function listen(): Promise<string> {
  server = createServer((req, res) => res.end(`hello ${req.method} ${req.url}`));
  server.on('connection', (socket) => connections.push(socket instanceof Socket ? 'tcp' : 'memory'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  connections.length = 0;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

it('reaches a server serving in this process in memory, keeps the connection, and falls back to TCP once it stops', async () => {
  const url = await listen();
  const stopServing = serveInProcess(url, (stream) => server.emit('connection', stream));
  const client = createHttpTextClient();
  try {
    for (const path of ['/a', '/b', '/c']) {
      const answer = await client.request(`${url}${path}`, { method: 'POST', headers: {}, body: '{}', timeoutMs: 2000 });
      expect(answer).toMatchObject({ status: 200, text: `hello POST ${path}` });
    }
    expect(connections).toEqual(['memory']); // one kept-alive connection for the three
    stopServing();
    server.closeAllConnections();
    const answer = await client.request(`${url}/d`, { method: 'GET', headers: {}, timeoutMs: 2000 });
    expect(answer.text).toBe('hello GET /d');
    expect(connections).toEqual(['memory', 'tcp']);
  } finally {
    client.close();
  }
});

it('an idle in-memory connection is closed after the idle time the server allows, as a socket is', async () => {
  const url = await listen();
  // The server says `Keep-Alive: timeout=2`: the client's agent then closes the connection after a second idle (it
  // keeps a second in hand), a socket's idle timer that an in-memory connection must have too.
  server.keepAliveTimeout = 2100;
  let closed = 0;
  const stopServing = serveInProcess(url, (stream) => {
    stream.on('close', () => closed++);
    server.emit('connection', stream);
  });
  const client = createHttpTextClient();
  try {
    await client.request(`${url}/a`, { method: 'GET', headers: {}, timeoutMs: 2000 });
    await new Promise((r) => setTimeout(r, 500));
    expect(closed).toBe(0); // kept alive meanwhile
    for (let i = 0; i < 60 && closed === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(1);
    // The next request opens another, in memory.
    expect((await client.request(`${url}/b`, { method: 'GET', headers: {}, timeoutMs: 2000 })).text).toBe('hello GET /b');
    expect(connections).toEqual(['memory', 'memory']);
  } finally {
    stopServing();
    client.close();
  }
});

it('a server that closes the in-memory connection under a request fails the request at once', async () => {
  const url = await listen();
  // The request arrives; the server goes away before it answers.
  const stopServing = serveInProcess(url, (stream) => stream.once('data', () => stream.destroy()));
  const client = createHttpTextClient();
  try {
    const t0 = Date.now();
    await expect(client.request(`${url}/x`, { method: 'GET', headers: {}, timeoutMs: 5000 })).rejects.toThrow(/socket hang up|closed/);
    expect(Date.now() - t0).toBeLessThan(1000);
  } finally {
    stopServing();
    client.close();
  }
});
