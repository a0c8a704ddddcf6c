/** Virtual keypad: a simulated key press becomes a key event. The extended keypad of the three-tier design has letters. */
import type { Device, DeviceContext } from '../device.ts';

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

  sim(_name: string, payload: unknown) {
    this.#ctx!.emit('key', { key: (payload as { key: string }).key });
  }
}
