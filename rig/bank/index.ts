/** Opens the store, builds the service and the HTTP app, listens. One call for the rig, the CLI and tests. */
import { randomBytes } from 'node:crypto';
import { openVerifiedPairs, type VerifiedPairs } from '../verified-pairs.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { createRandom } from '../../core/random.ts';
import { systemClock, type RigClock } from '../../core/clock.ts';
import { buildBankApp, type BankAppOptions } from './app.ts';
import { cryptoSecrets, DEFAULT_HASH_COST, type HashCost } from './secrets.ts';
import { BankService } from './service.ts';
import { openStore } from './store.ts';
import { atmKeysFileOf, readAtmKeys } from './atm-keys.ts';
import { serveInProcess } from '../../core/in-process-servers.ts';

export interface BankConfig {
  /** The bank file: `.json` or `.sqlite`/`.sqlite3`/`.db` (store.ts chooses the store by the name), or ':memory:'. */
  file: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  clock?: RigClock;
  seed?: number;
  hashCost?: HashCost;
  currency?: string;
  dailyWithdrawalLimit?: number;
  lockAfterFailures?: number;
  /** OTP codes from the seeded stream (replayable) instead of the CSPRNG: deterministic test runs only. */
  deterministicSecrets?: boolean;
  /** Open the file only to read it (the export): no lock, no writes. */
  readOnly?: boolean;
  logger?: FastifyServerOptions['logger'];
  /** Between the network and the ATM routes: the rig's bank faults. */
  atmWire?: BankAppOptions['atmWire'];
  /** Sends an OTP's SMS for an ATM that asks the bank to (`POST /otp` with `send: true`). */
  smsGateway?: BankAppOptions['smsGateway'];
}

export interface RunningBank {
  service: BankService;
  readonly app: FastifyInstance;
  url: string;
  close(): Promise<void>;
  /** Stop answering (a bank outage); the data stays. */
  stop(): Promise<void>;
  /** Answer again on the same address after `stop`. */
  resume(): Promise<void>;
  /** The first staff account (created at first start; password in <data>/staff.json, mode 0600). */
  staff: { username: string; password: string };
  /** Authorization headers for the /staff routes, logging in when needed. */
  staffHeaders(): Promise<Record<string, string>>;
  /** The key each of these ATMs calls the bank with, made at first start (kept in <data>/atm-keys.json, 0600). */
  /** Each ATM's key, made where none is kept or the kept one no longer matches the bank (`replaced` names those). */
  provisionAtms(ids: readonly string[], told?: { replaced?: (ids: string[]) => void }): Promise<Map<string, string>>;
}

/** Make sure a staff account exists; its password lives beside the bank file (0600), or only in memory. */
async function ensureStaff(service: BankService, file: string, verified: VerifiedPairs): Promise<{ username: string; password: string }> {
  const path = file === ':memory:' ? undefined : join(dirname(file), 'staff.json');
  const saved = path
    ? await readFile(path, 'utf8').then(
        (t) => JSON.parse(t) as { username: string; password: string },
        () => undefined,
      )
    : undefined;
  const name = (s: { username: string }) => `staff:${s.username}`;
  const remember = async (s: { username: string; password: string }) => {
    const hash = service.records.staffMember(s.username)?.passwordHash;
    if (hash) verified.remember(name(s), s.password, hash);
    await verified.save();
  };
  if (saved && (await service.verifyStaff(saved.username, saved.password, (h) => verified.known(name(saved), saved.password, h)))) {
    await remember(saved);
    return saved;
  }
  const staff = { username: 'admin', password: randomBytes(18).toString('base64url') };
  await service.setStaff(staff.username, staff.password);
  if (path) await writeFile(path, JSON.stringify(staff, null, 2) + '\n', { mode: 0o600 });
  await remember(staff);
  return staff;
}

export async function createBankService(config: BankConfig): Promise<BankService> {
  const random = createRandom(config.seed ?? 1).fork('bank');
  const seededSecrets = random.fork('secrets');
  return new BankService({
    store: await openStore(config.file, { readOnly: config.readOnly }),
    clock: config.clock ?? systemClock,
    random,
    secrets: config.deterministicSecrets
      ? { deterministic: true, string: (n, alphabet) => seededSecrets.string(n, alphabet) }
      : cryptoSecrets,
    hashCost: config.hashCost ?? DEFAULT_HASH_COST,
    currency: config.currency ?? 'ZMW',
    dailyWithdrawalLimit: config.dailyWithdrawalLimit ?? 1_000_000,
    otpMaxFailures: 5,
    lockAfterFailures: config.lockAfterFailures ?? 6,
  });
}

/** ATM keys, like the bus users' passwords: random, kept beside the bank file (0600) or only in memory. */
async function ensureAtmKeys(
  service: BankService,
  file: string,
  ids: readonly string[],
  verified: VerifiedPairs,
  told: { replaced?: (ids: string[]) => void } = {},
): Promise<Map<string, string>> {
  const path = file === ':memory:' ? undefined : atmKeysFileOf(file);
  const saved = path ? Object.fromEntries(await readAtmKeys(path)) : {};
  // Pairs checked at an earlier start are not checked again (rig/verified-pairs.ts); the others side by side: each
  // check is a slow hash on libuv's thread pool, and a lab's bank has hundreds of ATMs.
  const name = (id: string) => `atm:${id}`;
  const stale = (
    await Promise.all(
      ids.map(async (id) => {
        const key = saved[id];
        return key && (await service.verifyClient(id, key, (h) => verified.known(name(id), key, h))) ? undefined : id;
      }),
    )
  ).filter((id): id is string => id !== undefined);
  // A key kept in the file that the bank does not take any more (edited, or the bank file replaced) is said.
  const replaced = stale.filter((id) => saved[id] !== undefined);
  if (replaced.length) told.replaced?.(replaced);
  for (const id of stale) saved[id] = randomBytes(18).toString('base64url');
  await Promise.all(stale.map((id) => service.setClientKey(id, saved[id]!)));
  const changed = stale.length > 0;
  if (path && changed) await writeFile(path, JSON.stringify(saved, null, 2) + '\n', { mode: 0o600 });
  for (const id of ids) {
    const hash = service.records.client(id)?.keyHash;
    if (hash) verified.remember(name(id), saved[id]!, hash);
  }
  await verified.save();
  return new Map(ids.map((id) => [id, saved[id]!]));
}

export async function startBank(config: BankConfig): Promise<RunningBank> {
  const service = await createBankService(config);
  try {
    return await serveBank(service, config);
  } catch (err) {
    await service.close(); // let the data file go, so a retry on other ports can take it
    throw err;
  }
}

async function serveBank(service: BankService, config: BankConfig): Promise<RunningBank> {
  const host = config.host ?? '127.0.0.1';
  const listen = async (port: number) => {
    const app = await buildBankApp({
      bank: service,
      clock: config.clock ?? systemClock,
      logger: config.logger ?? false,
      ...(config.atmWire ? { atmWire: config.atmWire } : {}),
      ...(config.smsGateway ? { smsGateway: config.smsGateway } : {}),
    });
    await app.listen({ host, port });
    return app;
  };
  let app: FastifyInstance | undefined = await listen(config.port ?? 0);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (config.port ?? 0);
  const url = `http://${host}:${port}`;
  // Controllers in this process reach the bank in memory (core/in-process-servers.ts), as they reach the broker.
  let stopServingInProcess = () => {};
  const serveInMemory = (served: FastifyInstance) => {
    stopServingInProcess = serveInProcess(url, (stream) => served.server.emit('connection', stream));
  };
  // One memory of checked secrets for the staff password and the ATM keys, read once (rig/verified-pairs.ts).
  let verified: Awaited<ReturnType<typeof openVerifiedPairs>>;
  let staff: Awaited<ReturnType<typeof ensureStaff>>;
  try {
    verified = await openVerifiedPairs(config.file === ':memory:' ? undefined : dirname(config.file));
    staff = await ensureStaff(service, config.file, verified);
  } catch (err) {
    await app.close(); // a bank that could not start answers nobody, on its port or in memory
    throw err;
  }
  serveInMemory(app);
  // The 1:N fingerprint index loads while the bank answers; an identification before it is ready finishes it (and
  // reports any error of the store then), so a failure here has nobody to tell.
  service.prepareFingerIndex().catch(() => undefined);
  let token: { value: string; expiresAt: number } | undefined;
  const stop = async () => {
    stopServingInProcess();
    await app?.close();
    app = undefined;
  };
  return {
    staff,
    async staffHeaders() {
      if (!token || token.expiresAt - 60_000 < (config.clock ?? systemClock).now()) {
        const res = await fetch(`${url}/staff/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(staff),
        });
        if (!res.ok) throw new Error(`staff login failed: HTTP ${res.status}`);
        const body = (await res.json()) as { token: string; expiresAt: number };
        token = { value: body.token, expiresAt: body.expiresAt };
      }
      return { authorization: `Bearer ${token.value}` };
    },
    service,
    get app() {
      if (!app) throw new Error('the bank is stopped');
      return app;
    },
    url,
    provisionAtms: (ids, told) => ensureAtmKeys(service, config.file, ids, verified, told),
    async close() {
      await stop();
      await service.close();
    },
    stop,
    resume: async () => {
      if (app) return;
      app = await listen(port);
      serveInMemory(app);
    },
  };
}
