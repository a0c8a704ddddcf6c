/**
 * The embedded broker as a role of its own (`atm-rig broker`): Aedes with the rig's bus security (users, ACL, the
 * packet guard), for a lab that has no MQTT broker of its own. Its users come from the data directory, where
 * `atm-rig bank` provisioned them: its password file's hashes, as Mosquitto reads them (docs/roles.md). Faults on the
 * wire and the manual clock need a one-process rig.
 */
import { onlyHere, summarise } from './banner.ts';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listenersOf, startBroker } from '../broker.ts';
import { busHooks, type BusHookOptions } from '../bus/hooks.ts';
import { parsePasswd } from '../bus/passwd.ts';
import { atmIdsOf, passwdChecker } from '../bus/passwd-login.ts';
import { buildAcl } from '../bus/security.ts';
import { loadOrCreateTls } from '../bus/tls.ts';
import type { RigConfig } from '../config.ts';
import { namePortClash } from '../port-clash.ts';
import { paint } from '../ui.ts';

export interface RunningBrokerRole {
  url: string;
  banner: string[];
  /** Read the password file again (SIGHUP, as Mosquitto does): ATMs the bank added since come in. */
  reload(): Promise<string>;
  close(): Promise<void>;
}

/** The lab's users and ATMs from its password file, and what the hooks need of them. */
async function readUsers(passwdFile: string): Promise<Omit<BusHookOptions, 'insecure' | 'onDenied'>> {
  const text = await readFile(passwdFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(
      err.code === 'ENOENT'
        ? `no bus users at ${passwdFile}: copy bus/passwd from the bank's host (atm-rig bank --atms writes it), beside --data`
        : `cannot read ${passwdFile}: ${err.message}`,
    );
  });
  const hashes = parsePasswd(text);
  const atmIds = atmIdsOf(hashes.keys());
  if (atmIds.length === 0) throw new Error(`${passwdFile} has no ATM's users: is it the file atm-rig bank wrote?`);
  return {
    acl: buildAcl(atmIds),
    atmIds,
    known: new Set(hashes.keys()),
    internal: new Set([...hashes.keys()].filter((u) => u !== 'simulator' && u !== 'observer')),
    checkLogin: passwdChecker(hashes),
  };
}

export async function startBrokerRole(config: RigConfig, onDenied?: (what: string) => void): Promise<RunningBrokerRole> {
  const file = config.bank.file;
  if (file === ':memory:') throw new Error('--data :memory: keeps nothing: the broker reads its users from the data directory');
  const b = config.broker;
  // The lab's users as the bank wrote them: the password file's hashes, never new passwords of its own.
  const dir = join(dirname(file), 'bus');
  const passwdFile = join(dir, 'passwd');
  const users = await readUsers(passwdFile);
  const hookOptions: BusHookOptions = { ...users, insecure: b.insecure, ...(onDenied ? { onDenied } : {}) };
  const hooks = busHooks(hookOptions);
  const bus = { dir, hooks };
  const tls = b.tls ? await loadOrCreateTls({ certPath: b.tls.cert, keyPath: b.tls.key, dir: bus.dir }) : undefined;
  const broker = await startBroker({
    ...listenersOf(b, tls),
    hooks: bus.hooks,
    ...(onDenied ? { onRefused: onDenied } : {}),
  }).catch((err: unknown) => {
    throw namePortClash(err, b.port, '--mqtt-port / broker.port');
  });
  const banner = [
    paint('bold', 'atm-rig broker is up'),
    `  MQTT        ${broker.url}${broker.wsUrl ? `   WebSocket ${broker.wsUrl}` : ''}`,
    ...(broker.tlsUrl ? [`  MQTT/TLS    ${broker.tlsUrl}${broker.wssUrl ? `   ${broker.wssUrl}` : ''}`] : []),
    `  ATMs        ${users.atmIds.length}: ${summarise(users.atmIds)}`,
    `  bus users   ${b.insecure ? 'anonymous allowed (--insecure-bus)' : 'required'}; checked against ${passwdFile} (kill -HUP reads it again)`,
    ...onlyHere(b.host, '--mqtt-host'),
    'ready',
  ];
  const reload = async () => {
    // A file half-copied or wrong keeps the users the broker has: refused with why, nothing swapped.
    Object.assign(hookOptions, await readUsers(passwdFile));
    return `${passwdFile} read again: ${hookOptions.atmIds.length} ATMs (${summarise(hookOptions.atmIds)})`;
  };
  return { url: broker.url, banner, reload, close: () => broker.close() };
}
