/** The KPL/1 keypad + LCD board emulator as a module: one port serves both devices; keys come from the keypad's sims. */
import type { EmulatorModule } from '../serial/emulator-module.ts';
import { KeypadLcdEmulator } from './emulator.ts';
import { KPL_KEY } from './protocol.ts';

export const kplEmulator: EmulatorModule = {
  name: 'keypad-lcd',
  serves: ['keypad', 'lcd'],
  baud: 9600,
  start(link) {
    const board = new KeypadLcdEmulator(link);
    void board.boot();
    return {
      device: board,
      onSim(name, data) {
        if (name === 'press' && KPL_KEY.test(String(data.key))) void board.press(data.key as string);
      },
    };
  },
  hint: (port, atm) => `Emulating the KPL/1 keypad + LCD board on ${port}; keys pressed on atm/${atm}/keypad/sim/press reach the wire.`,
};
