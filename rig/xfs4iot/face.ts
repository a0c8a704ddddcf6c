/**
 * The XFS4IoT face: each ATM's devices as XFS4IoT services on one port (docs/xfs4iot.md). Per ATM, one MQTT client as
 * the ATM's controller user speaks the topic contract, and five services stand on it:
 *
 *   fingerprint         -> <atm>.Biometric       Biometric
 *   keypad              -> <atm>.Keyboard        Keyboard
 *   lcd (+ keypad)      -> <atm>.TextTerminal    TextTerminal
 *   dispenser           -> <atm>.CashDispenser   CashDispenser, CashManagement, Storage
 *   card                -> <atm>.CardReader      CardReader, Storage
 *
 * The GSM modem has no XFS4IoT interface: the bank sends an OTP's SMS through it on the application's request
 * (sms-gateway.ts). The receipt printer is not served.
 */
import { lookOnly } from './look-only.ts';
import type { RigClock } from '../../core/clock.ts';
import { AtmBus } from './atm-bus.ts';
import { basicAuthenticator } from './auth.ts';
import { publisherService } from './publisher.ts';
import { startFaceServer, type Route } from './server.ts';
import { ServiceHost } from './service-host.ts';
import type { ServiceDefinition } from './service.ts';
import { biometricService } from './services/biometric.ts';
import { cardReaderService } from './services/card-reader.ts';
import { cashDispenserService } from './services/cash-dispenser.ts';
import type { Money } from './services/cash-units.ts';
import { keyboardService } from './services/keyboard.ts';
import { textTerminalService } from './services/text-terminal.ts';
import { sendSms, type SmsResult } from './sms-gateway.ts';
import { loadServiceUsers, type ServiceUser } from './service-users.ts';

export interface FaceOptions {
  brokerUrl: string;
  host: string;
  /** undefined = the first free port of 5846-5856; 0 = any free port. */
  port?: number;
  tls?: { cert: string; key: string };
  clock: RigClock;
  money: Money;
  /** Each ATM served, with its controller's bus credential (the face's MQTT login, and what its clients present), and
   *  who runs its sessions: the face reads the keypad only of an ATM an outside application runs (`external`); one
   *  the rig's own controller runs (`rig`, or unsaid) has its PINs typed on that keypad for the rig's session. */
  atms: readonly { id: string; credential: { username: string; password: string }; controller?: 'rig' | 'external' }[];
  /** Where the one-service users' passwords are kept (`<data>`); undefined: in memory (service-users.ts). */
  dataDir?: string;
  /** A message the face would have sent that its own schema refuses: a bug, reported, never sent. */
  onInvalid?: (error: string) => void;
  /** A handler that threw: a bug, reported; the client gets `internalError`. */
  onError?: (error: unknown) => void;
}

export interface FaceService {
  atmId: string;
  name: string;
  uri: string;
  interfaces: readonly string[];
}

export interface RunningFace {
  readonly publisherUrl: string;
  readonly port: number;
  readonly services: readonly FaceService[];
  /** A user per service (`atm-1.Biometric`) that opens that service only, and the file they are kept in. */
  readonly serviceUsers: readonly ServiceUser[];
  readonly serviceUsersFile?: string;
  /** Clients connected now, publisher included (one closed for not reading is gone from here at once). */
  connections(): number;
  /** The bank's SMS gateway: send through this ATM's modem. */
  sendSms(atmId: string, sms: { to: string; text: string }): Promise<SmsResult>;
  close(): Promise<void>;
}

type MakeService = (bus: AtmBus, name: string, atm: { money: Money; readsKeypad: boolean }) => ServiceDefinition;
const SERVICES: readonly [string, MakeService][] = [
  ['Biometric', (bus, name) => biometricService(bus, name)],
  ['Keyboard', (bus, name, atm) => keyboardService(bus, name, atm.readsKeypad)],
  ['TextTerminal', (bus, name, atm) => textTerminalService(bus, name, atm.readsKeypad)],
  ['CashDispenser', (bus, name, atm) => cashDispenserService(bus, name, atm.money)],
  ['CardReader', (bus, name) => cardReaderService(bus, name)],
];

export async function startFace(options: FaceOptions): Promise<RunningFace> {
  const onInvalid =
    options.onInvalid ?? ((error: string) => process.emitWarning(`XFS4IoT face: not sent, its schema refuses it: ${error}`));
  const hostOptions = {
    clock: options.clock,
    onError: options.onError ?? ((e: unknown) => process.emitWarning(`XFS4IoT face: ${String(e)}`)),
  };
  const buses = new Map<string, AtmBus>();
  const routes = new Map<string, Route>();
  const listed: Omit<FaceService, 'uri'>[] = [];
  try {
    for (const atm of options.atms) {
      const bus = await AtmBus.connect(options.brokerUrl, atm.id, atm.credential);
      buses.set(atm.id, bus);
      for (const [iface, make] of SERVICES) {
        const made = make(bus, `${atm.id}.${iface}`, { money: options.money, readsKeypad: atm.controller === 'external' });
        const definition = atm.controller === 'external' || iface === 'Biometric' ? made : lookOnly(made, atm.id);
        routes.set(definition.name, { host: new ServiceHost(definition, hostOptions), atmId: atm.id });
        listed.push({ atmId: atm.id, name: definition.name, interfaces: definition.interfaces });
      }
    }
  } catch (err) {
    await Promise.all([...buses.values()].map((b) => b.close()));
    throw err;
  }
  const serviceUsers = await loadServiceUsers(options.dataDir, listed).catch(async (err: unknown) => {
    await Promise.all([...buses.values()].map((b) => b.close()));
    throw err;
  });
  let serviceUrl = (name: string) => name;
  const publisher = new ServiceHost(
    publisherService((p) =>
      listed.filter((s) => s.atmId === p.atmId && (p.service === undefined || s.name === p.service)).map((s) => serviceUrl(s.name)),
    ),
    hostOptions,
  );
  const server = await startFaceServer({
    host: options.host,
    port: options.port,
    tls: options.tls,
    publisher,
    services: routes,
    authenticate: basicAuthenticator([...options.atms.map((a) => ({ ...a.credential, atmId: a.id })), ...serviceUsers.users]),
    onInvalid,
  }).catch(async (err: unknown) => {
    await Promise.all([...buses.values()].map((b) => b.close()));
    throw err;
  });
  serviceUrl = server.serviceUrl;
  return {
    publisherUrl: server.publisherUrl,
    port: server.port,
    services: listed.map((s) => ({ ...s, uri: server.serviceUrl(s.name) })),
    serviceUsers: serviceUsers.users,
    ...(serviceUsers.file ? { serviceUsersFile: serviceUsers.file } : {}),
    connections: () => [publisher, ...[...routes.values()].map((r) => r.host)].reduce((n, h) => n + h.connections.size, 0),
    sendSms: (atmId, sms) => {
      const bus = buses.get(atmId);
      return bus ? sendSms(bus, options.clock, sms) : Promise.resolve({ ok: false, reason: `no ATM ${atmId} on the face` });
    },
    async close() {
      await server.close();
      for (const host of [publisher, ...[...routes.values()].map((r) => r.host)]) await host.close();
      await Promise.all([...buses.values()].map((b) => b.close()));
    },
  };
}
