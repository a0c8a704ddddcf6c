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
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
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
  const app = await buildBankApp({ bank: service, logger: config.logger ?? false });
  const host = config.host ?? '127.0.0.1';
  await app.listen({ host, port: config.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { service, app, url: `http://${host}:${port}`, close: () => app.close() };
}
