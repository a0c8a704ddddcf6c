/**
 * The embedded broker as a role of its own (`atm-rig broker`): Aedes with the rig's bus security (users, ACL, the
 * packet guard), for a lab that has no MQTT broker of its own. Its users come from the data directory, where
 * `atm-rig bank` provisioned them: its password file's hashes, as Mosquitto reads them (docs/roles.md). Faults on the
 * wire and the manual clock need a one-process rig.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { startBroker } from '../broker.ts';
import { busHooks } from '../bus/hooks.ts';
import { parsePasswd } from '../bus/passwd.ts';
import { atmIdsOf, passwdChecker } from '../bus/passwd-login.ts';
import { buildAcl } from '../bus/security.ts';
import { loadOrCreateTls } from '../bus/tls.ts';
import type { RigConfig } from '../config.ts';
import { namePortClash } from '../port-clash.ts';
import { paint } from '../ui.ts';
import { summarise } from './bank-role.ts';

export interface RunningBrokerRole {
  url: string;
  banner: string[];
  close(): Promise<void>;
}

export async function startBrokerRole(config: RigConfig, onDenied?: (what: string) => void): Promise<RunningBrokerRole> {
  const file = config.bank.file;
  if (file === ':memory:') throw new Error('--data :memory: keeps nothing: the broker reads its users from the data directory');
  const b = config.broker;
  // The lab's users as the bank wrote them: the password file's hashes, never new passwords of its own.
  const dir = join(dirname(file), 'bus');
  const passwdFile = join(dir, 'passwd');
  const text = await readFile(passwdFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(
      err.code === 'ENOENT'
        ? `no bus users at ${passwdFile}: copy bus/passwd from the bank's host (atm-rig bank --atms writes it), beside --data`
        : `cannot read ${passwdFile}: ${err.message}`,
    );
  });
  const hashes = parsePasswd(text);
  const ids = atmIdsOf(hashes.keys());
  if (ids.length === 0) throw new Error(`${passwdFile} has no ATM's users: is it the file atm-rig bank wrote?`);
  const hooks = busHooks({
    acl: buildAcl(ids),
    atmIds: ids,
    known: new Set(hashes.keys()),
    internal: new Set([...hashes.keys()].filter((u) => u !== 'simulator' && u !== 'observer')),
    checkLogin: passwdChecker(hashes),
    insecure: b.insecure,
    ...(onDenied ? { onDenied } : {}),
  });
  const bus = { dir, hooks };
  const tls = b.tls ? await loadOrCreateTls({ certPath: b.tls.cert, keyPath: b.tls.key, dir: bus.dir }) : undefined;
  const broker = await startBroker({
    host: b.host,
    port: b.port,
    wsPort: b.wsPort,
    hooks: bus.hooks,
    ...(onDenied ? { onRefused: onDenied } : {}),
    ...(b.tls && tls ? { tls: { port: b.tls.port, wsPort: b.tls.wsPort, cert: tls.cert, key: tls.key } } : {}),
  }).catch((err: unknown) => {
    throw namePortClash(err, b.port, '--mqtt-port / broker.port');
  });
  const banner = [
    paint('bold', 'atm-rig broker is up'),
    `  MQTT        ${broker.url}${broker.wsUrl ? `   WebSocket ${broker.wsUrl}` : ''}`,
    ...(broker.tlsUrl ? [`  MQTT/TLS    ${broker.tlsUrl}${broker.wssUrl ? `   ${broker.wssUrl}` : ''}`] : []),
    `  ATMs        ${ids.length}: ${summarise(ids)}`,
    `  bus users   ${b.insecure ? 'anonymous allowed (--insecure-bus)' : 'required'}; checked against ${passwdFile} (restart to read it again)`,
    ...(/^127\.|^::1$|^localhost$/.test(b.host)
      ? [paint('yellow', `  listening   on ${b.host} only: --mqtt-host 0.0.0.0 lets ATM hosts on other machines in`)]
      : []),
    'ready',
  ];
  return { url: broker.url, banner, close: () => broker.close() };
}
