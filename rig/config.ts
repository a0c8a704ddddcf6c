/**
 * The rig's configuration: one schema, defaults for a demo on one laptop, overridable from a JSON file and the
 * CLI. docs/configuration.md lists every setting.
 */
import { z } from 'zod';
import { baudProblem } from '../devices/serial/spec.ts';
import { TOPIC_LEVEL } from '../devices/topics.ts';
import { DEVICES, type DeviceKind } from '../devices/registry.ts';
import { readJsonFile } from '../core/json.ts';
import { strictObject } from '../core/strict-schema.ts';
import { FaultRuleSchema } from './faults/rule.ts';
import { MAX_RULES } from './faults/injector.ts';
import { DEFAULT_HASH_COST } from './bank/secrets.ts';

export const DeviceSpec = z
  .string()
  .regex(
    /^(virtual|serial:.+@\d+|xfs4iot:wss?:\/\/.+)$/,
    '"virtual", "serial:<path>@<baud>" or "xfs4iot:ws://user:password@host:port/xfs4iot/v1.0/<service>/"',
  )
  .superRefine((spec, ctx) => {
    const baud = /^serial:.+@(\d+)$/.exec(spec);
    const problem = baud ? baudProblem(Number(baud[1])) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** URL schemes of an external broker. */
export const BROKER_SCHEMES = ['mqtt', 'mqtts', 'ws', 'wss', 'tcp'] as const;
export const BROKER_URL_HINT = `a broker URL: ${BROKER_SCHEMES.map((s) => `${s}://`).join(', ')} then host:port, e.g. mqtt://localhost:1883`;

type Modules = (typeof DEVICES)[number];
const deviceSpecs = Object.fromEntries(DEVICES.map((d) => [d.kind, DeviceSpec.default('virtual')])) as {
  [K in DeviceKind]: z.ZodDefault<typeof DeviceSpec>;
};
const deviceOptions = Object.fromEntries(DEVICES.map((d) => [d.kind, (d.options as z.ZodType).prefault({})])) as {
  [M in Modules as M['kind']]: z.ZodPrefault<M['options']>;
};

export const AtmConfigSchema = strictObject({
  id: z.string().regex(TOPIC_LEVEL, 'letters, digits, dot, dash, underscore'),
  /** A built-in profile id (seed000, seed001, seed002) or a path to a profile JSON file. */
  profile: z.string().default('seed001'),
  /** Per device kind (devices/registry.ts): "virtual" or "serial:<path>@<baud>"; a fingerprint also
   *  "xfs4iot:ws://user:password@host:port/xfs4iot/v1.0/<service>/" (someone else's XFS4IoT Biometric service). */
  devices: strictObject(deviceSpecs).prefault({}),
  /** Each device's own settings (`gsm`, `dispenser`, `fingerprint`, ...), declared by its module. */
  ...deviceOptions,
  /** The largest single withdrawal, in minor units. */
  maxWithdrawal: z.number().int().positive().default(200_000),
  /** Who runs the ATM's sessions: the rig's own controller, or an outside application over XFS4IoT (docs/xfs4iot.md). */
  controller: z.enum(['rig', 'external']).default('rig'),
});
export type AtmConfig = z.infer<typeof AtmConfigSchema>;

export const RigConfigSchema = strictObject({
  /** Seed for every random choice (requested finger, OTP codes); printed at start so a run can be replayed. */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  /** `system` is wall time; `manual` only moves when told (rig/clock/sim/advance), for tests. */
  clock: z.enum(['system', 'manual']).default('system'),
  broker: strictObject({
    /** An external broker, e.g. mqtt://localhost:1883. When set, no broker is embedded. */
    url: z.url({ protocol: new RegExp(`^(${BROKER_SCHEMES.join('|')})$`), error: `not ${BROKER_URL_HINT}` }).optional(),
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(1883),
    wsPort: z.number().int().min(0).max(65535).nullable().default(9001),
    /** Accept clients without credentials (anonymous). Off: every client needs a user from <data>/bus. */
    insecure: z.boolean().default(false),
    /** mqtts:// (and wss://) listeners; off unless set. The certificate is made at first start unless given. */
    tls: strictObject({
      port: z.number().int().min(0).max(65535).default(8883),
      wsPort: z.number().int().min(0).max(65535).nullable().default(8884),
      cert: z.string().optional(),
      key: z.string().optional(),
    }).optional(),
    /** PBKDF2 iterations for bus passwords (Mosquitto's $7$ format); lower only for tests. */
    hashIterations: z.number().int().min(1).max(10_000_000).default(20_000),
  }).prefault({}),
  bank: strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(3000),
    /** The bank file: `.json` (readable, small rigs) or `.sqlite` (any size); ':memory:' keeps nothing. */
    file: z.string().default('./data/bank.json'),
    /** scrypt cost as log2(N): 15 is realistic (~50-100 ms a hash), 10 is cheap for tests and benchmarks. */
    hashLogN: z.number().int().min(4).max(20).default(15),
    currency: z.string().length(3).default('ZMW'),
    minorDigits: z.number().int().min(0).max(3).default(2),
    dailyWithdrawalLimit: z.number().int().positive().default(1_000_000),
    /** OTP codes from the run's seed instead of the CSPRNG, so a run replays exactly. Test rigs only: anyone who
     *  knows the seed knows the codes. On by itself with the manual clock; the banner warns when on. */
    deterministicSecrets: z.boolean().default(false),
  }).prefault({}),
  /** The serial trace (`--trace-serial`): "console", or a file to append to. Every byte on every serial device's port,
   *  each way, timed on the rig clock, the protocol's frames named, secrets masked. */
  traceSerial: z.string().min(1).optional(),
  /** Record the whole bus (and serial traces) to this NDJSON file (`--record`; docs/recording.md). */
  record: z.string().min(1).optional(),
  /** Faults on the wire from the start (docs/faults.md); more can be added while the rig runs (`atm-rig fault`). */
  faults: z.array(FaultRuleSchema).max(MAX_RULES).default([]),
  /** The XFS4IoT face (`--xfs4iot`; docs/xfs4iot.md): each ATM's devices as XFS4IoT services over WebSocket. */
  xfs4iot: strictObject({
    host: z.string().default('127.0.0.1'),
    /** Absent: the first free port of XFS4IoT's 5846-5856; 0: any free port. */
    port: z.number().int().min(0).max(65535).optional(),
  }).optional(),
  /** Node-RED with the Dashboard 2.0 demo (`atm-rig up --dashboard`, `npm run dashboard`). */
  dashboard: strictObject({
    host: z.string().default('127.0.0.1'),
    /** The editor at /, the dashboard at /dashboard. 0 = any free port. */
    port: z.number().int().min(0).max(65535).default(1880),
    /** Node-RED's user directory; default: node-red/ beside the bank file (./data/node-red). */
    userDir: z.string().optional(),
    /** The flow file to load, and to save to on Deploy; default: flows/nodes/examples/atm-demo.json of atm-rig. */
    flowFile: z.string().optional(),
  }).prefault({}),
  // prefault, not default: the default goes through the schema, so the ATM gets its own defaults too.
  atms: z
    .array(AtmConfigSchema)
    .min(1)
    .prefault([{ id: 'atm-1' }]),
});
export type RigConfig = z.infer<typeof RigConfigSchema>;
export type RigConfigInput = z.input<typeof RigConfigSchema>;

export function parseRigConfig(input: unknown, source = 'config'): RigConfig {
  const result = RigConfigSchema.safeParse(input);
  if (!result.success) throw new Error(`invalid rig configuration in ${source}:\n${z.prettifyError(result.error)}`);
  const ids = result.data.atms.map((a) => a.id);
  if (new Set(ids).size !== ids.length) throw new Error(`invalid rig configuration in ${source}: ATM ids must be unique`);
  return result.data;
}

/** A config file, checked on its own so that its mistakes are reported against the file, not the CLI. */
export async function loadRigConfig(path: string): Promise<RigConfigInput> {
  const data = await readJsonFile(path, 'rig configuration');
  parseRigConfig(data, path);
  return data as RigConfigInput;
}

/** The bank's part of the configuration as the bank takes it (startBank): the rig and `atm-rig bank` alike. */
export function bankSettings(bank: RigConfig['bank'], seed: number) {
  return {
    file: bank.file,
    host: bank.host,
    port: bank.port,
    seed,
    hashCost: { ...DEFAULT_HASH_COST, logN: bank.hashLogN },
    currency: bank.currency,
    dailyWithdrawalLimit: bank.dailyWithdrawalLimit,
  };
}
