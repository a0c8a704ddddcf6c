/** Opens the store, builds the service and the HTTP app, listens. One call for the rig, the CLI and tests. */
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { createRandom } from '../../machines/random.ts';
import { systemClock, type RigClock } from '../clock.ts';
import { buildBankApp } from './app.ts';
import { DEFAULT_HASH_COST, type HashCost } from './secrets.ts';
import { BankService } from './service.ts';
import { openStore } from './store.ts';

export interface BankConfig {
  /** lowdb JSON file, or ':memory:'. */
  file: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  clock?: RigClock;
  seed?: number;
  hashCost?: HashCost;
  currency?: string;
  dailyWithdrawalLimit?: number;
  logger?: FastifyServerOptions['logger'];
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
}

export async function createBankService(config: BankConfig): Promise<BankService> {
  return new BankService({
    store: await openStore(config.file),
    clock: config.clock ?? systemClock,
    random: createRandom(config.seed ?? 1).fork('bank'),
    hashCost: config.hashCost ?? DEFAULT_HASH_COST,
    currency: config.currency ?? 'ZMW',
    dailyWithdrawalLimit: config.dailyWithdrawalLimit ?? 1_000_000,
    otpMaxFailures: 5,
  });
}

export async function startBank(config: BankConfig): Promise<RunningBank> {
  const service = await createBankService(config);
  const host = config.host ?? '127.0.0.1';
  const listen = async (port: number) => {
    const app = await buildBankApp({ bank: service, clock: config.clock ?? systemClock, logger: config.logger ?? false });
    await app.listen({ host, port });
    return app;
  };
  let app: FastifyInstance | undefined = await listen(config.port ?? 0);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (config.port ?? 0);
  return {
    service,
    get app() {
      if (!app) throw new Error('the bank is stopped');
      return app;
    },
    url: `http://${host}:${port}`,
    close: async () => {
      await app?.close();
      app = undefined;
    },
    stop: async () => {
      await app?.close();
      app = undefined;
    },
    resume: async () => {
      app ??= await listen(port);
    },
  };
}
