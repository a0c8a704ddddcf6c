/** `atm-rig up`: the broker, the bank, the devices and the ATM controller, with a live view (and Node-RED with --dashboard). */
import { Option, type Command } from 'commander';
import { examples, runs, withOptions, type RigOptions } from '../cli-args.ts';

interface UpOptions extends RigOptions {
  plain?: boolean;
  dashboard?: boolean;
}

export function defineUp(program: Command): void {
  const cmd = program
    .command('up')
    .summary('start the broker, the bank, the devices and the ATM controller; show a live view')
    .description(
      'Start the broker, the bank, the devices and the ATM controller, and show a live view of the LCD and the session until Ctrl-C.',
    )
    .option('--plain', 'print one line per change instead of redrawing the screen')
    .option('--dashboard', 'also start Node-RED with the Dashboard 2.0 demo (what npm run dashboard does)')
    .option('--xfs4iot', "serve the ATMs' devices as XFS4IoT services over WebSocket (first free port of 5846-5856; docs/xfs4iot.md)")
    .option('--xfs4iot-port <n>', 'the XFS4IoT port instead (0 = any free port); implies --xfs4iot')
    .addOption(
      new Option(
        '--controller <who>',
        "who runs the ATM's sessions: rig (its own controller, default) or external (an XFS4IoT application)",
      ).choices(['rig', 'external']),
    );
  withOptions(cmd, 'config', 'bus', 'ports', 'data', 'hash-cost', 'atm-setup', 'run', 'dashboard');
  examples(cmd, [
    ['atm-rig up', 'one virtual ATM on the default ports'],
    ['atm-rig up --profile seed002', 'card + password + fingerprint + 8-character OTP'],
    ['atm-rig up --dashboard', 'and the Node-RED dashboard at http://127.0.0.1:1880/dashboard'],
    ['atm-rig up --device fingerprint=serial:/dev/ttyUSB0@57600', 'a real R307 instead of the virtual sensor'],
    ['atm-rig up --plain --seed 1991', 'one line per change; replay a run'],
    ['atm-rig up --xfs4iot --controller external', 'your XFS4IoT application runs the ATM: service URIs in the banner'],
    ['atm-rig up --device gsm=serial:/dev/ttyUSB1@115200 --trace-serial', "the modem's AT traffic on the console, OTPs masked"],
  ]);
  cmd.action(
    runs(async (opts: UpOptions) => {
      const { bringUp, configFrom, describe, describeDashboard, dashboardOptions, explainPortClash, untilSignal } =
        await import('./shared.ts');
      // Before anything starts: without Node-RED installed, say how to install it.
      if (opts.dashboard) (await import('../node-red-runtime.ts')).assertNodeRed();
      const rig = await bringUp(await configFrom(opts, 'up'), false);
      let dashboard: import('../dashboard.ts').RunningDashboard | undefined;
      try {
        if (opts.dashboard)
          dashboard = await (await import('../dashboard.ts')).startDashboard(rig, dashboardOptions(rig, opts.plain === true));
      } catch (err) {
        await rig.close();
        const { namePortClash } = await import('../port-clash.ts');
        throw explainPortClash(namePortClash(err, rig.config.dashboard.port, '--dashboard-port / dashboard.port'));
      }
      const banner = [...describe(rig), ...(dashboard ? describeDashboard(dashboard) : [])];
      // Trace lines on the console would be drawn over by a redrawn screen: one line per change then.
      const plain = opts.plain === true || rig.config.traceSerial === 'console';
      const view = await (await import('../live-view.ts')).startLiveView(rig, banner, { plain });
      await untilSignal();
      await view.close();
      await dashboard?.close();
      await rig.close();
      return 0;
    }),
  );
}
