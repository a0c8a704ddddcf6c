/**
 * `atm-rig fault add|list|clear`: faults on a running rig's wire, over its bus as the simulator role (the
 * password from <data>/bus/credentials.json, where the rig keeps it). docs/faults.md.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { examples, int, runs, UsageError, withOptions, type RigOptions } from '../cli-args.ts';

/** The running rig's port, not a port to listen on: 0 ("any free port") means nothing here. */
const runningRigPort = () => new Option('--mqtt-port <n>', "the running rig's broker port, as its banner shows it (default 1883)");

interface FaultOptions extends RigOptions {
  ms?: string;
  jitter?: string;
  from?: string;
  count?: string;
  corrupt?: string;
  path?: string;
  id?: string;
}

export function defineFault(program: Command): void {
  const fault = program
    .command('fault')
    .summary("break a running rig's wire on purpose: atm-rig fault add 'atm/+/keypad/evt/#' drop 0.3")
    .description(
      "Faults on a running rig's bus (embedded broker) and between its ATMs and the bank, over the bus as the simulator role. " +
        'Each fault applied is on rig/fault/evt/applied, in the trace and in a recording (docs/faults.md).',
    );

  const add = fault
    .command('add')
    .summary('add a fault rule')
    .argument('<where>', "an MQTT topic filter (a bus fault), or bank / bank:<atm id> (the ATM's requests to the bank)")
    .argument('<action>', 'bus: drop, delay, duplicate, reorder, corrupt, disconnect; bank: drop, delay, partition')
    .argument('[probability]', 'the share of messages it hits: 0.3 or 30% (default: all)')
    .option('--ms <n>', 'delay: how long, on the rig clock; reorder: the longest a message is held back (default 1000)')
    .option('--jitter <n>', 'delay: plus or minus up to this many ms (messages then overtake each other)')
    .option('--from <user>', 'bus: only what this bus user publishes (atm-1.keypad, atm-1.*)')
    .option('--count <n>', 'stop after this many')
    .option('--corrupt <how>', 'corrupt: bitflip (default) or truncate')
    .option('--path <prefix>', 'bank: only routes starting with this (/otp, /accounts)')
    .option('--id <name>', 'a name to clear it by (default f1, f2, ...)');
  withOptions(add, 'config', 'broker');
  add.addOption(runningRigPort());
  withOptions(add, 'data');
  examples(add, [
    ["atm-rig fault add 'atm/+/keypad/evt/#' drop 0.3", '30% of key presses are lost'],
    ["atm-rig fault add 'atm/atm-1/dispenser/evt/#' delay --ms 5000 --jitter 2000", "the dispenser's answers come 3-7 s late"],
    ['atm-rig fault add bank:atm-2 partition', 'atm-2 cannot reach the bank'],
    ['atm-rig fault add bank delay --ms 5000 --path /otp', 'the bank answers OTP requests after 5 s'],
  ]);
  add.action(
    runs(async (where: string, action: string, probability: string | undefined, opts: FaultOptions) => {
      const rule: Record<string, unknown> =
        where === 'bank' || where.startsWith('bank:') ? { bank: where.slice(5) || '*' } : { topic: where };
      rule.action = action;
      if (probability !== undefined) rule.probability = parseShare(probability);
      const numbers = [
        ['ms', 'ms', opts.ms],
        ['jitterMs', 'jitter', opts.jitter],
        ['count', 'count', opts.count],
      ] as const;
      for (const [key, option, value] of numbers) if (value !== undefined) rule[key] = int(option, value);
      for (const key of ['from', 'corrupt', 'path', 'id'] as const) if (opts[key] !== undefined) rule[key] = opts[key];
      const { faultBus } = await import('./fault-bus.ts');
      const bus = await faultBus(opts);
      try {
        const added = await bus.add(rule);
        console.log(`added: ${added}`);
      } finally {
        await bus.close();
      }
      return 0;
    }),
  );

  const list = fault.command('list').summary('the faults in force, with how often each has applied');
  withOptions(list, 'config', 'broker');
  list.addOption(runningRigPort());
  withOptions(list, 'data');
  list.action(
    runs(async (opts: FaultOptions) => {
      const { faultBus } = await import('./fault-bus.ts');
      const bus = await faultBus(opts);
      try {
        const state = await bus.state();
        if (!state.busFaults) console.log('(bus faults off: the rig uses an external broker; bank faults work)');
        if (state.faults.length === 0) console.log('no faults');
        for (const f of state.faults) console.log(`${f.text}  applied ${f.applied}×`);
      } finally {
        await bus.close();
      }
      return 0;
    }),
  );

  const clear = fault.command('clear').summary('clear one fault by id, or all').argument('[id]', 'the fault to clear (default: all)');
  withOptions(clear, 'config', 'broker');
  clear.addOption(runningRigPort());
  withOptions(clear, 'data');
  clear.action(
    runs(async (id: string | undefined, opts: FaultOptions) => {
      const { faultBus } = await import('./fault-bus.ts');
      const bus = await faultBus(opts);
      try {
        const left = await bus.clear(id);
        console.log(id ? `cleared ${id}; ${left} left` : 'cleared all faults');
      } finally {
        await bus.close();
      }
      return 0;
    }),
  );
}

/** `0.3`, `30%` -> 0.3. */
export function parseShare(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const value = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
  if (!(value >= 0 && value <= 1)) throw new UsageError(`probability ${text}: give a share such as 0.3 or 30%`);
  return value;
}
