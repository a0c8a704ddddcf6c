/**
 * One HTTP request and its answer as text, over a keep-alive connection: the controller's calls to the bank. fetch
 * did the same at several times the cost (undici's request objects and web streams: 7 ms of a 90 ms session in a
 * CPU profile, docs/performance.md). The answer is bounded: a bank, or something posing as one, cannot fill memory.
 */
import http from 'node:http';
import https from 'node:https';
import { createConnection, type NetConnectOpts } from 'node:net';
import { duplexPair } from '../../core/duplex-pair.ts';
import { inProcessServer } from '../../core/in-process-servers.ts';

export const MAX_ANSWER_BYTES = 1 << 20;

export interface HttpAnswer {
  status: number;
  statusText: string;
  text: string;
}

export interface HttpTextClient {
  request(url: string, o: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number }): Promise<HttpAnswer>;
  /** Close the idle connections (each is also unref'd while idle, so none keeps a process alive). */
  close(): void;
}

/** An idle connection is closed after this, before a server closes it under a new request (Fastify waits 72 s, Node's
 *  own servers 5 s: a `Keep-Alive: timeout=` the server sends shortens it). */
export const IDLE_MS = 4_000;

/** A keep-alive agent whose connections to a server in this process are in memory (core/in-process-servers.ts): the
 *  same HTTP, without a loopback socket. Any other server, or one no longer serving in memory, is reached over TCP. */
function inMemoryAgent(options: http.AgentOptions): http.Agent {
  const agent = new http.Agent(options);
  agent.createConnection = (o: NetConnectOpts & { host?: string; port?: number }) => {
    const accept = inProcessServer(`http://${o.host}:${o.port}`);
    if (!accept) return createConnection(o);
    const [client, server] = duplexPair();
    accept(server);
    return client as never;
  };
  return agent;
}

export function createHttpTextClient(): HttpTextClient {
  const options = { keepAlive: true, timeout: IDLE_MS };
  const agents = { 'http:': inMemoryAgent(options), 'https:': new https.Agent(options) };
  return {
    request(url, o) {
      const target = new URL(url);
      const agent = target.protocol === 'https:' ? agents['https:'] : target.protocol === 'http:' ? agents['http:'] : undefined;
      if (!agent) return Promise.reject(new Error(`not an http(s) URL: ${target.protocol}`));
      const body = o.body === undefined ? undefined : Buffer.from(o.body);
      const headers = body ? { ...o.headers, 'content-length': String(body.length) } : o.headers;
      return new Promise<HttpAnswer>((resolve, reject) => {
        const send = target.protocol === 'https:' ? https.request : http.request;
        const req = send(target, { method: o.method, headers, agent, signal: AbortSignal.timeout(o.timeoutMs) }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) {
              req.destroy(new Error(`the answer from ${target.origin} is over ${MAX_ANSWER_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
