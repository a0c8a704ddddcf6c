/**
 * The Cucumber world: each scenario gets its own rig (embedded broker and bank on free ports, an in-memory bank,
 * a manual clock, cheap hashing), and a person who talks to it over MQTT and HTTP only, like a real user.
 * On failure the bus traffic and the last LCD screen are attached to the report.
 */
import { After, Before, setDefaultTimeout, setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import { AtmClient } from '../../rig/atm-client.ts';
import { startRig, type Rig } from '../../rig/rig.ts';
import { DEMO_CUSTOMERS, type DemoCustomer } from '../../rig/seed.ts';
import type { RigConfigInput } from '../../rig/config.ts';
import { recordTransitions } from './coverage.ts';

setDefaultTimeout(20_000);

/** The rig's seed: fixed per run when ATM_RIG_SEED is set (to replay a failure), else fresh and printed. */
const RUN_SEED = process.env.ATM_RIG_SEED ? Number(process.env.ATM_RIG_SEED) : Math.floor(Math.random() * 0xffffffff);

export class AtmWorld extends World {
  rig?: Rig;
  person?: AtmClient;
  atmId = 'atm-1';
  /** The customer the scenario is about ("Alice" in the steps). */
  customer?: DemoCustomer;
  scenarioSeed = RUN_SEED;

  constructor(options: IWorldOptions) {
    super(options);
  }

  async startRig(profile: string, overrides: Partial<RigConfigInput> = {}) {
    if (this.rig) throw new Error('the rig is already running in this scenario');
    this.rig = await startRig({
      seed: this.scenarioSeed,
      clock: 'manual',
      broker: { port: 0, wsPort: null },
      bank: { port: 0, file: ':memory:', hashLogN: 10 },
      atms: [{ id: this.atmId, profile, gsm: { deliveryDelayMs: 2000 }, dispenser: { dispenseMs: 1500 } }],
      ...overrides,
    }, { inspect: recordTransitions });
    this.person = await AtmClient.connect(this.rig.brokerUrl, this.atmId);
    await this.person.until(() => this.person!.session?.state === 'idle', 'the ATM to be idle');
  }

  get running(): { rig: Rig; person: AtmClient } {
    if (!this.rig || !this.person) throw new Error('no rig: start the scenario with "Given an ATM running the \\"seed001\\" profile"');
    return { rig: this.rig, person: this.person };
  }

  customerNamed(name: string): DemoCustomer {
    const c = DEMO_CUSTOMERS.find((d) => d.kyc.name === name || d.kyc.name.split(' ')[0] === name);
    if (!c) throw new Error(`no demo customer "${name}": use one of ${DEMO_CUSTOMERS.map((d) => d.kyc.name).join(', ')}`);
    return c;
  }

  async bank<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.running.rig.bank.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await res.json()) as T;
    if (!res.ok) throw new Error(`bank ${method} ${path}: HTTP ${res.status} ${JSON.stringify(data)}`);
    return data;
  }

  async accountOf(customer: DemoCustomer): Promise<{ number: string; balance: number; available: number }> {
    const { account } = await this.bank<{ account: string }>('GET', `/staff/customers/${customer.id}`);
    return this.bank('GET', `/accounts/${account}`);
  }
}

setWorldConstructor(AtmWorld);

Before(function (this: AtmWorld) {
  this.log(`seed ${this.scenarioSeed} (replay with ATM_RIG_SEED=${this.scenarioSeed})`);
});

After(async function (this: AtmWorld, { result }) {
  if (result?.status === 'FAILED' && this.person) {
    this.log(`replay with ATM_RIG_SEED=${this.scenarioSeed}`);
    this.attach(`LCD:\n${this.person.lcd.join('\n')}\n\nsession: ${JSON.stringify(this.person.session, null, 2)}`, 'text/plain');
    this.attach(this.person.messages.map((m) => `${m.topic} ${JSON.stringify(m.payload)}`).join('\n'), 'text/plain');
  }
  await this.person?.close();
  await this.rig?.close();
});
