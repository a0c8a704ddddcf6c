/** Virtual keypad: a simulated key press becomes a key event. The extended keypad of the three-tier design has letters. */
import type { Device, DeviceContext } from '../device.ts';
import type { MessageOf } from '../module.ts';
import type { contract } from './contract.ts';

export class VirtualKeypad implements Device {
  readonly kind = 'keypad' as const;
  readonly impl = 'virtual';
  #ctx?: DeviceContext;

  initialState() {
    return { layout: 'digits+letters' };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
  }

  command() {}

  sim({ payload }: MessageOf<typeof contract.sim>) {
    this.#ctx!.emit('key', { key: payload.key });
  }
}
