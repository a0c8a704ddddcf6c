/** `atm-rig demo` (what `npm start` runs): start the rig, seed the demo customers, walk one through seed001. */
import type { Command } from 'commander';
import { examples, runs, withOptions, type RigOptions } from '../cli-args.ts';

interface DemoOptions extends RigOptions {
  once?: boolean;
}

export function defineDemo(program: Command): void {
  const cmd = program
    .command('demo')
    .summary('seed the demo customers, then walk one through the seed001 profile over MQTT')
    .description(
      'Start the rig, seed the demo customers, then walk one customer through a withdrawal over MQTT (random finger, PIN, SMS OTP). ' +
        'Falls back to free ports when the default ones are taken. The rig stays up afterwards unless --once.',
    )
    .option('--once', 'exit when the session is over (0 if it completed)');
  withOptions(cmd, 'config', 'bus', 'ports', 'data', 'hash-cost', 'atm-setup', 'run');
  examples(cmd, [
    ['atm-rig demo', 'what npm start runs; the rig stays up to play with'],
    ['atm-rig demo --once', 'exit 0 once the withdrawal completed'],
    ['atm-rig demo --profile seed002 --data :memory:', 'another profile, keeping nothing'],
  ]);
  cmd.action(
    runs(async (opts: DemoOptions) => {
      const { bringUp, configFrom, describe, mosquittoArgs, untilSignal } = await import('./shared.ts');
      const { paint } = await import('../ui.ts');
      // The demo's customer waits in real time; a manual clock would wait for ever (atm-rig up --clock manual is for tests).
      if (opts.clock === 'manual')
        throw new Error('the demo runs in real time: --clock manual is for atm-rig up, where a test moves the clock');
      const rig = await bringUp(await configFrom(opts, 'demo'), true);
      describe(rig, { demo: true }).forEach((l) => console.log(l));
      let ok = false;
      try {
        ok = (await (await import('../demo.ts')).runDemo(rig)).ok;
      } catch (err) {
        console.error(paint('red', `✘ demo failed: ${(err as Error).message}`));
      }
      if (!opts.once) {
        console.log(
          `\nThe rig stays up for you to play with (Ctrl-C to stop). Press ENTER on the keypad with:\n  mosquitto_pub ${mosquittoArgs(rig)} -t atm/${rig.atms[0]!.id}/keypad/sim/press -m '{"key":"ENTER"}'`,
        );
        await untilSignal();
      }
      await rig.close();
      return ok ? 0 : 1;
    }),
  );
}
