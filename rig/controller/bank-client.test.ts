// Settling a withdrawal after the notes left must survive a passing fault (the attack review made the bank answer
// 429 at that moment: the cash was paid and never debited). Against a real HTTP server that fails, then answers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createBankClient } from './bank-client.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function bankThatFails(times: number, status: number) {
  let calls = 0;
  server = createServer((_req, res) => {
    calls += 1;
    if (calls <= times)
      return res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'rate-limited', message: 'later' }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ balance: 4800 }));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createBankClient(url, { retryDelaysMs: [5, 5, 5] });
  return { client, calls: () => calls };
}

describe('settling a withdrawal', () => {
  it('commits through passing 429s and 503s', async () => {
    const { client, calls } = await bankThatFails(3, 429);
    await expect(client.commitWithdrawal({ withdrawalId: 'W1' })).resolves.toEqual({ balance: 4800 });
    expect(calls()).toBe(4);
  });

  it('says the session ended through a passing fault (a lost one left the customer held at this ATM)', async () => {
    const { client, calls } = await bankThatFails(2, 503);
    await expect(client.sessionEnded()).resolves.toBeDefined();
    expect(calls()).toBe(3);
  });

  it('gives up after its tries, and does not retry a refusal', async () => {
    const failing = await bankThatFails(10, 503);
    await expect(failing.client.reverseWithdrawal({ withdrawalId: 'W1' })).rejects.toThrow(/503/);
    expect(failing.calls()).toBe(4);
    await new Promise<void>((r) => server!.close(() => r()));
    const refused = await bankThatFails(10, 409);
    await expect(refused.client.commitWithdrawal({ withdrawalId: 'W1' })).rejects.toThrow(/409/);
    expect(refused.calls()).toBe(1);
  });
});

describe('what the bank answers', () => {
  it('refuses an answer over 1 MiB instead of reading it all into memory', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      // 4 MiB of spaces, unless the client hangs up first.
      let left = 64;
      const more = () => {
        while (left > 0 && res.write(chunk)) left--;
        if (left-- > 0) res.once('drain', more);
        else res.end('{}');
      };
      res.on('close', () => (left = 0));
      more();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const client = createBankClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await expect(client.lookupCard({ pan: '4000001234567899' })).rejects.toThrow(/over 1048576 bytes/);
    client.close?.();
  });

  it('reuses one connection for calls one after another (keep-alive)', async () => {
    const sockets = new Set<unknown>();
    server = createServer((req, res) => {
      sockets.add(req.socket);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ balance: 1 }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const client = createBankClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    for (let i = 0; i < 5; i++) await client.commitWithdrawal({ withdrawalId: `W${i}` });
    expect(sockets.size).toBe(1);
    client.close?.();
  });
});

describe('answers from outside the bank', () => {
  // The attack review: a 409 or 404 whose body was not JSON became a SyntaxError, retried as a network fault.
  it('takes a refusal whose body is not JSON as a refusal, at once', async () => {
    let calls = 0;
    server = createServer((_req, res) => {
      calls += 1;
      res.writeHead(409, { 'content-type': 'text/html' }).end('<html>conflict</html>');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const client = createBankClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { retryDelaysMs: [5, 5, 5] });
    await expect(client.reserveWithdrawal({ accountId: '1000000001', amount: 100, key: 'k-00000001' })).resolves.toEqual({
      ok: false,
      reason: 'error',
    });
    expect(calls).toBe(1);
    client.close?.();
  });

  // An idle connection the server closed under a new request failed that request ("socket hang up"): the client
  // closes idle ones first, shorter still when the server says so (Keep-Alive: timeout=).
  it('does not reuse a connection the server said it would close', async () => {
    const sockets = new Set<unknown>();
    server = createServer((req, res) => {
      sockets.add(req.socket);
      res.writeHead(200, { 'content-type': 'application/json', 'keep-alive': 'timeout=2' }).end('{"balance":1}');
    });
    server.keepAliveTimeout = 2_000;
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const client = createBankClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { retryDelaysMs: [] });
    await client.commitWithdrawal({ withdrawalId: 'W1' });
    await new Promise((r) => setTimeout(r, 1_990));
    await expect(client.lookupCard({ pan: '4000001234567899' })).resolves.toBeDefined();
    expect(sockets.size).toBe(2);
    client.close?.();
  });
});
