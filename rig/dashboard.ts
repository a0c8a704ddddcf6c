/**
 * Node-RED inside the rig's process: the flow editor and the Dashboard 2.0 demo (flows/nodes/examples/atm-demo.json),
 * with the atm-rig nodes (flows/nodes) installed into its user directory and pointed at this rig's broker and bank.
 * Node-RED itself comes from flows/runtime (node-red-runtime.ts), loaded only when the dashboard starts.
 *
 * Embedding follows Node-RED's own recipe (RED.init on our HTTP server, then the admin and node apps mounted on it);
 * settings.js is not read in this mode, so everything Node-RED needs is set here.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertNodeRed, loadNodeRed } from './node-red-runtime.ts';
import { BUILT_IN_PROFILES, type AuthProfile } from '../machines/profiles.ts';
import { DEMO_CUSTOMERS } from './seed.ts';
import type { Rig } from './rig.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The demo flow shipped with atm-rig: the node package's first example. */
export const DEMO_FLOW = join(ROOT, 'flows', 'nodes', 'examples', 'atm-demo.json');
/** The atm-rig node package, installed into the user directory (as a link, like `npm install <folder>`). */
export const NODES_DIR = join(ROOT, 'flows', 'nodes');
const NODES_PACKAGE = '@atm-rig/node-red-nodes';

export interface DashboardOptions {
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Node-RED's user directory: its settings, credential key and context live here. */
  userDir: string;
  /** The flow file Node-RED loads and saves to on Deploy (default: the demo, flows/nodes/examples/atm-demo.json). */
  flowFile?: string;
  /** Told about Node-RED's warnings and errors (everything goes to <userDir>/node-red.log as well). */
  onWarning?: (line: string) => void;
}

export interface RunningDashboard {
  editorUrl: string;
  dashboardUrl: string;
  flowFile: string;
  logFile: string;
  close(): Promise<void>;
}

/** What the atm-rig nodes read from `RED.settings.atmRig` when their config leaves a field blank. */
export interface AtmRigNodeSettings {
  brokerUrl: string;
  atm: string;
  /** Every ATM of the rig, with the id of its auth profile. */
  atms: { id: string; profile: string }[];
  bus: { username: string; password: string };
  bankUrl: string;
  staff: { username: string; password: string };
}

interface NodeRed {
  init(server: Server, settings: object): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  events: { once(event: string, fn: () => void): void };
  httpAdmin: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  httpNode: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
}

/**
 * What `cd <userDir> && npm install <atm-rig>/flows/nodes` does, without npm: a link in node_modules and an entry in
 * package.json. Node-RED then loads it from the user directory, and a plain `node-red -u <userDir>` has the nodes
 * too. The link follows this checkout if it moved.
 */
async function installNodes(userDir: string): Promise<void> {
  const link = join(userDir, 'node_modules', ...NODES_PACKAGE.split('/'));
  await mkdir(dirname(link), { recursive: true });
  if ((await readlink(link).catch(() => undefined)) !== NODES_DIR) {
    await rm(link, { recursive: true, force: true });
    await symlink(NODES_DIR, link, 'dir');
  }
  const manifest = join(userDir, 'package.json');
  const text = await readFile(manifest, 'utf8').catch(() => undefined);
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    throw new Error(`${manifest} is not JSON: fix it or remove it (atm-rig writes a new one)`);
  }
  const pkg = (parsed ?? {
    name: 'atm-rig-node-red',
    description: 'Node-RED user directory of atm-rig (npm run dashboard)',
    version: '0.0.0',
    private: true,
  }) as { dependencies?: Record<string, string> };
  const spec = `file:${relative(userDir, NODES_DIR)}`;
  if (pkg.dependencies?.[NODES_PACKAGE] !== spec) {
    pkg.dependencies = { ...pkg.dependencies, [NODES_PACKAGE]: spec };
    await writeFile(manifest, JSON.stringify(pkg, null, 2) + '\n');
  }
}

async function credentialSecret(userDir: string): Promise<string> {
  const path = join(userDir, '.credential-secret');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    const key = randomBytes(32).toString('hex');
    await writeFile(path, key + '\n', { mode: 0o600 });
    return key;
  }
}

/** A profile as the dashboard needs it: `[id, {name, tiers: [{kind, request?}]}]`. */
function profileSummary(p: AuthProfile): [string, { name: string; tiers: { kind: string; request?: string }[] }] {
  return [p.id, { name: p.name, tiers: p.tiers.map((t) => ({ kind: t.kind, ...('request' in t ? { request: t.request } : {}) })) }];
}

// Warnings Node-RED gives on every start of this set-up: no projects, and no credentials until a node has some.
const EXPECTED_WARNINGS = /^(Projects disabled|Encrypted credentials not found)/;

const LEVELS: Record<number, string> = {
  10: 'fatal',
  20: 'error',
  30: 'warn',
  40: 'info',
  50: 'debug',
  60: 'trace',
  98: 'audit',
  99: 'metric',
};
// Node-RED's runtime is a process-wide singleton: it can be started once per process.
let started = false;

export async function startDashboard(rig: Rig, options: DashboardOptions): Promise<RunningDashboard> {
  if (started) throw new Error('Node-RED is already running in this process (it can be embedded once)');
  assertNodeRed();
  const userDir = resolve(options.userDir);
  const flowFile = resolve(options.flowFile ?? DEMO_FLOW);
  if (!existsSync(flowFile)) {
    // A new show: start from the demo rather than from an empty canvas.
    await mkdir(dirname(flowFile), { recursive: true });
    await copyFile(DEMO_FLOW, flowFile);
  }
  await mkdir(userDir, { recursive: true });
  await installNodes(userDir);
  const logFile = join(userDir, 'node-red.log');
  const log = createWriteStream(logFile, { flags: 'a' });

  const atmRig: AtmRigNodeSettings = {
    brokerUrl: rig.brokerUrl,
    atm: rig.atms[0]!.id,
    atms: rig.atms.map((a) => ({ id: a.id, profile: a.profile.id })),
    bus: rig.bus.simulator,
    bankUrl: rig.bank.url,
    staff: rig.bank.staff,
  };
  const settings = {
    userDir,
    flowFile,
    httpAdminRoot: '/',
    httpNodeRoot: '/',
    // Only this rig's settings: the dashboard is a simulator's front end, not a place for secrets of its own.
    atmRig,
    // For function nodes: the demo customers' test credentials (the same ones `atm-rig seed` prints).
    functionGlobalContext: {
      atmRig: {
        atm: atmRig.atm,
        atms: atmRig.atms,
        // What the dashboard draws for a profile: its tiers (a card slot only where there is a card tier).
        profiles: Object.fromEntries([...Object.values(BUILT_IN_PROFILES), ...rig.atms.map((a) => a.profile)].map(profileSummary)),
        customers: DEMO_CUSTOMERS.map((c) => ({
          id: c.id,
          name: c.kyc.name,
          phone: c.kyc.phone,
          pin: c.pin,
          password: c.password,
          username: c.username,
          pan: c.pan,
        })),
      },
    },
    // This machine may have no route to the internet: no update checks, no tours, no projects.
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false },
    externalModules: { autoInstall: false },
    editorTheme: { tours: false, header: { title: 'atm-rig · Node-RED' } },
    // Our own key for the credentials file, kept beside it (Node-RED warns about the key it would make itself).
    credentialSecret: await credentialSecret(userDir),
    logging: {
      atmRig: {
        level: 'info',
        metrics: false,
        audit: false,
        handler: () => (entry: { level: number; msg: unknown; type?: string; name?: string }) => {
          const level = LEVELS[entry.level] ?? String(entry.level);
          const text =
            entry.msg instanceof Error
              ? (entry.msg.stack ?? entry.msg.message)
              : typeof entry.msg === 'string'
                ? entry.msg
                : JSON.stringify(entry.msg);
          const line = `${new Date().toISOString()} [${level}]${entry.type ? ` [${entry.type}${entry.name ? `:${entry.name}` : ''}]` : ''} ${text}`;
          log.write(line + '\n');
          if (entry.level <= 30 && !EXPECTED_WARNINGS.test(text)) options.onWarning?.(line);
        },
      },
    },
  };

  const RED = loadNodeRed<NodeRed>();
  const server = createServer((req, res) =>
    RED.httpAdmin(req, res, () =>
      RED.httpNode(req, res, () => {
        res.statusCode = 404;
        res.end('not found');
      }),
    ),
  );
  refuseForeignHosts(server, options.host ?? '127.0.0.1');
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 1880, options.host ?? '127.0.0.1', () => ok());
    });
  } catch (err) {
    log.end();
    throw err;
  }
  started = true;
  try {
    RED.init(server, settings);
    // start() resolves before the flows run; callers (and tests) want the nodes in place.
    const flowsStarted = new Promise<boolean>((ok) => RED.events.once('flows:started', () => ok(true)));
    await RED.start();
    let timer: NodeJS.Timeout | undefined;
    const ran = await Promise.race([flowsStarted, new Promise<boolean>((ok) => (timer = setTimeout(() => ok(false), 20_000)))]);
    clearTimeout(timer);
    if (!ran) options.onWarning?.(`Node-RED has not started the flows of ${flowFile} after 20 s (a node type missing?): see ${logFile}`);
  } catch (err) {
    server.close();
    log.end();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const base = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    editorUrl: `${base}/`,
    dashboardUrl: `${base}/dashboard`,
    flowFile,
    logFile,
    async close() {
      await RED.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => log.end(() => r()));
    },
  };
}

/**
 * The editor runs code and has no login: a web page elsewhere must not reach it through a name that resolves here
 * (DNS rebinding). Every request and WebSocket upgrade (the editor's comms, the dashboard's socket.io, which attach
 * their own listeners) naming another host is refused before any listener sees it; IP addresses are fine.
 */
function refuseForeignHosts(server: Server, configured: string): void {
  const emit = server.emit.bind(server) as (event: string, ...args: unknown[]) => boolean;
  server.emit = ((event: string, ...args: unknown[]) => {
    if ((event === 'request' || event === 'upgrade') && !hostAllowed((args[0] as IncomingMessage).headers.host, configured)) {
      const why = 'atm-rig: the dashboard answers to localhost and IP addresses only (docs/node-red.md)\n';
      if (event === 'request') (args[1] as ServerResponse).writeHead(403, { connection: 'close' }).end(why);
      else
        (args[1] as import('node:stream').Duplex).end(
          `HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: ${why.length}\r\n\r\n${why}`,
        );
      return true;
    }
    return emit(event, ...args);
  }) as typeof server.emit;
}

/** A Host header naming localhost, an IP address, or the configured host name. */
export function hostAllowed(host: string | undefined, configured: string): boolean {
  if (!host) return false;
  const name = host
    .replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase();
  return name === 'localhost' || isIP(name) !== 0 || name === configured.toLowerCase();
}
