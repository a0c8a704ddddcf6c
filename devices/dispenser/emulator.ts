/** The LCDM-2000 emulator as a module, loaded with the ATM's two cassettes; faults come from the dispenser's sims. */
import type { EmulatorModule } from '../serial/emulator-module.ts';
import { LcdmEmulator } from './lcdm/emulator.ts';
import { DispenserOptions } from './options.ts';

export const lcdmEmulator: EmulatorModule = {
  name: 'dispenser',
  serves: ['dispenser'],
  baud: 9600,
  start(link, { clock, settings }) {
    const d = DispenserOptions.parse(settings.dispenser ?? {});
    const lcdm = new LcdmEmulator(
      link,
      { upper: { ...d.cassettes[0]! }, lower: { ...(d.cassettes[1] ?? { denomination: d.cassettes[0]!.denomination, count: 0 }) } },
      { clock, dispenseMs: d.dispenseMs },
    );
    return {
      device: lcdm,
      onSim(name, data) {
        if (name === 'jam') lcdm.jammed = data.on as boolean;
        else if (name === 'hang') lcdm.hung = data.on as boolean;
        else if (name === 'rejects') lcdm.rejects = data.notes as number;
        else if (name === 'take') lcdm.take();
        else if (name === 'refill') {
          const c = data.cassettes as { denomination: number; count: number }[];
          lcdm.cassettes = { upper: { ...c[0]! }, lower: { ...(c[1] ?? { denomination: c[0]!.denomination, count: 0 }) } };
        }
      },
    };
  },
  hint: (port, atm) => `Emulating a Puloon LCDM-2000 on ${port}; faults on atm/${atm}/dispenser/sim/{jam,hang,rejects,refill,take}.`,
};
