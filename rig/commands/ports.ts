/** `atm-rig ports`: this machine's serial ports, for real modules. */
import type { Command } from 'commander';
import { examples, runs } from '../cli-args.ts';

export function definePorts(program: Command): void {
  const cmd = program
    .command('ports')
    .summary("list this machine's serial ports")
    .description(
      "List this machine's serial ports (with their stable /dev/serial/by-id name and USB ids), to give to --device or emulate --port.",
    );
  examples(cmd, [
    ['atm-rig ports', 'the serial ports'],
    ['atm-rig up --device fingerprint=serial:/dev/ttyUSB0@57600', 'then use one'],
  ]);
  cmd.action(
    runs(async () => {
      const { listPorts } = await import('../../devices/serial/ports.ts');
      const { paint } = await import('../ui.ts');
      const { ports, note } = await listPorts();
      if (note) console.log(paint('yellow', note));
      if (ports.length === 0) console.log('No serial ports found. Plug the module in, or check `dmesg` for its device node.');
      for (const p of ports)
        console.log(
          `${paint('bold', p.path)}${p.byId ? `  (${p.byId})` : ''}${p.manufacturer ? `  ${p.manufacturer}` : ''}${p.vendorId ? `  ${p.vendorId}:${p.productId}` : ''}`,
        );
      return 0;
    }),
  );
}
