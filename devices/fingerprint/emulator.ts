/** The ZFM/R30x emulator as a module: a finger placed on the bus becomes an image on the emulated sensor. */
import type { EmulatorModule } from '../serial/emulator-module.ts';
import { degrade, strangerTemplate, synthTemplate } from './template.ts';
import { ZfmEmulator } from './zfm/emulator.ts';

export const zfmEmulator: EmulatorModule = {
  name: 'fingerprint',
  serves: ['fingerprint'],
  baud: 57600,
  start(link, { random, settings }) {
    const zfm = new ZfmEmulator(link, { impressions: settings.impressions === 'varied' ? 'varied' : 'exact' });
    return {
      device: zfm,
      onSim(name, data) {
        if (name !== 'place') return;
        const { customerId, finger, quality } = data as { customerId?: string; finger: number; quality: number };
        const clean = customerId ? synthTemplate(customerId, finger) : strangerTemplate(random);
        zfm.placeFinger(Buffer.from(degrade(clean, quality, random), 'base64'));
      },
    };
  },
  hint: (port, atm) =>
    `Emulating a ZFM fingerprint module on ${port}. Place fingers with:\n  mosquitto_pub … -t atm/${atm}/fingerprint/sim/place -m '{"customerId":"C0001","finger":3}'`,
};
