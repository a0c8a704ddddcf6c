/** `atm-rig emulate <device>`: serve a device emulator on a serial port, taking sim actions from the rig's bus when there is one. */
import type { Command } from 'commander';
import { examples, int, runs, withOptions, type RigOptions } from '../cli-args.ts';

interface EmulateOptions extends RigOptions {
  port?: string;
  baud?: string;
  impressions?: string;
}

import { EMULATOR_NAMES } from './device-names.ts';

export { EMULATOR_NAMES };

export function defineEmulate(program: Command): void {
  const cmd = program
    .command('emulate')
    .summary('serve a device emulator on a serial port: atm-rig emulate fingerprint --port /dev/pts/3')
    .description(
      "Serve a device emulator on a serial port: the virtual device's behaviour behind the real module's protocol, for a driver or firmware to talk to. " +
        "When the rig's broker is reachable, the emulator acts out its device's sim/ topics, as the device's bus user.",
    )
    .argument('<device>', `the module to emulate: ${EMULATOR_NAMES.join(', ')}`)
    .option('--port <path>', 'the serial port to serve the emulator on (atm-rig ports lists them; or one end of a pty pair)')
    .option('--baud <n>', "baud rate (default: the module's own: fingerprint 57600, gsm 115200, dispenser, keypad-lcd and printer 9600)")
    .option(
      '--impressions <kind>',
      'fingerprint only: exact (default: the synthetic templates) or varied (every capture different bytes, as a real module)',
    );
  withOptions(cmd, 'config', 'broker', 'mqtt-port', 'data', 'atm');
  examples(cmd, [
    ['socat -d -d pty,raw,echo=0 pty,raw,echo=0', 'a pty pair to try it without hardware: prints two /dev/pts paths'],
    ['atm-rig emulate fingerprint --port /dev/pts/3', 'a ZFM fingerprint module on one end; the host opens the other'],
    ['atm-rig emulate gsm --port /dev/ttyUSB1 --baud 115200', 'a SIM800 modem on a real port'],
  ]);
  cmd.action(
    runs(async (device: string, opts: EmulateOptions) => {
      const { existsSync } = await import('node:fs');
      const { keyringFileOf, readKeyring } = await import('../bus/keyring.ts');
      const { createConnection } = await import('node:net');
      const { emulatorNamed, startEmulator } = await import('../../devices/serial/emulate.ts');
      const { baudProblem } = await import('../../devices/serial/spec.ts');
      const { busUser } = await import('../../devices/topics.ts');
      const { parseRigConfig } = await import('../config.ts');
      const { configFrom, untilSignal } = await import('./shared.ts');
      const module = emulatorNamed(device);
      const ptyHint = 'a serial port (atm-rig ports lists them) or one end of a pty pair: socat -d -d pty,raw,echo=0 pty,raw,echo=0';
      if (!opts.port) throw new Error(`emulate needs --port <path>: ${ptyHint}`);
      if (!existsSync(opts.port)) throw new Error(`--port ${opts.port} does not exist: give ${ptyHint}`);
      const baud = int('baud', opts.baud) ?? module.baud;
      if (opts.impressions !== undefined && (module.name !== 'fingerprint' || !['exact', 'varied'].includes(opts.impressions)))
        throw new Error(`--impressions ${opts.impressions}: the fingerprint emulator takes exact or varied`);
      const badBaud = baudProblem(baud);
      if (badBaud) throw new Error(`--baud: ${badBaud}`);
      const config = parseRigConfig(await configFrom(opts, 'emulate'));
      const atmId = config.atms[0]!.id;
      // Take sim actions from the rig's bus when there is one to reach, as the device's own user.
      const brokerUrl = config.broker.url ?? `mqtt://${config.broker.host}:${config.broker.port}`;
      const reachable = (url: string) =>
        new Promise<boolean>((resolve) => {
          const u = new URL(url);
          const socket = createConnection({ host: u.hostname, port: Number(u.port || 1883) });
          socket.once('connect', () => (socket.destroy(), resolve(true)));
          socket.once('error', () => resolve(false));
        });
      const keyring = config.bank.file === ':memory:' ? undefined : await readKeyring(keyringFileOf(config.bank.file));
      const user = busUser(atmId, module.serves[0]);
      const onBus = await reachable(brokerUrl);
      const emulator = await startEmulator(module.name, opts.port, {
        settings: { ...config.atms[0]!, ...(opts.impressions ? { impressions: opts.impressions } : {}) },
        atmId,
        baudRate: baud,
        ...(onBus ? { brokerUrl, credentials: keyring?.has(user) ? keyring.credential(user) : undefined } : {}),
      });
      console.log(`${module.hint(opts.port, atmId)} Ctrl-C to stop.`);
      // Without the bus no person's action reaches the module: say so, and why, rather than wait in silence.
      if (!onBus)
        console.log(
          `Not on the bus: no broker answers at ${brokerUrl}. Start the rig first, then this emulator, for sim/ actions to reach it.`,
        );
      else if (!keyring?.has(user))
        console.log(
          `Not on the bus: no password for the bus user ${user} in the rig's data (start the rig once first, then this emulator).`,
        );
      await untilSignal();
      await emulator.close();
      return 0;
    }),
  );
}
