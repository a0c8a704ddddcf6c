/** Binds a BankPorts implementation (HTTP client, direct service, test fake) into the session machine. */
import { fromPromise } from 'xstate';
import { sessionMachine } from './session.machine.ts';
import type { BankPorts } from './session.types.ts';

type PortActors = {
  [K in keyof BankPorts]: ReturnType<typeof fromPromise<Awaited<ReturnType<BankPorts[K]>>, Parameters<BankPorts[K]>[0]>>;
};

export function bankActors(ports: BankPorts): PortActors {
  const wrap = <K extends keyof BankPorts>(name: K) =>
    fromPromise<Awaited<ReturnType<BankPorts[K]>>, Parameters<BankPorts[K]>[0]>(({ input }) =>
      (ports[name] as (i: typeof input) => Promise<Awaited<ReturnType<BankPorts[K]>>>).call(ports, input),
    );
  return {
    lookupCard: wrap('lookupCard'),
    verifyCredentials: wrap('verifyCredentials'),
    verifySecret: wrap('verifySecret'),
    matchFingerprint: wrap('matchFingerprint'),
    issueOtp: wrap('issueOtp'),
    verifyOtp: wrap('verifyOtp'),
    getBalance: wrap('getBalance'),
    reserveWithdrawal: wrap('reserveWithdrawal'),
    commitWithdrawal: wrap('commitWithdrawal'),
    reverseWithdrawal: wrap('reverseWithdrawal'),
    transfer: wrap('transfer'),
    changeSecret: wrap('changeSecret'),
    miniStatement: wrap('miniStatement'),
  };
}

export interface DeviceEffects {
  ejectCard(): void;
  retainCard(): void;
  dispense(command: { ref: string; amount: number }): void;
  sendSms(command: { to: string; text: string; ref: string }): void;
}

/** The session machine with its bank and device effects supplied. */
export function provideSession(ports: BankPorts, effects: DeviceEffects) {
  return sessionMachine.provide({
    actors: bankActors(ports),
    actions: {
      ejectCard: () => effects.ejectCard(),
      retainCard: () => effects.retainCard(),
      dispense: (_, params) => effects.dispense(params),
      sendSms: (_, params) => effects.sendSms(params),
    },
  });
}
