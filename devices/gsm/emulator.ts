/** The SIM800 emulator as a module: the network behind it delivers to phone/<number>/inbox on the bus. */
import { topics } from '../topics.ts';
import type { EmulatorModule } from '../serial/emulator-module.ts';
import { Sim800Emulator, type GsmFault } from './sim800/emulator.ts';
import { GsmOptions } from './options.ts';

export const sim800Emulator: EmulatorModule = {
  name: 'gsm',
  serves: ['gsm'],
  baud: 115200,
  start(link, { clock, settings, publish }) {
    const gsm = GsmOptions.parse(settings.gsm ?? {});
    const sim800 = new Sim800Emulator(link, {
      clock,
      deliveryDelayMs: gsm.deliveryDelayMs,
      identity: { msisdn: gsm.msisdn },
      deliver: (to, text) => publish(topics.phoneInbox(to), { from: gsm.msisdn, text, ts: clock.now() }),
    });
    sim800.boot();
    return {
      device: sim800,
      onSim(name, data) {
        if (name === 'network') sim800.registered = data.registered as boolean;
        else if (name === 'fault') sim800.fault = data as GsmFault;
        else if (name === 'receive') sim800.receive(data.from as string, data.text as string);
      },
    };
  },
  hint: (port) => `Emulating a SIM800 modem on ${port}; SMS it sends reach phone/<number>/inbox.`,
};
