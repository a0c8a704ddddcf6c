/** Virtual 4 x 20 character LCD: what it is told to show is its retained state. */
import type { Device, DeviceContext } from '../device.ts';

const BLANK = ['', '', '', ''];

export class VirtualLcd implements Device {
  readonly kind = 'lcd' as const;
  readonly impl = 'virtual';
  #ctx?: DeviceContext;

  initialState() {
    return { lines: BLANK, cols: 20, rows: 4 };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
  }

  command(name: string, payload: unknown) {
    const lines = name === 'show' ? (payload as { lines: string[] }).lines : BLANK;
    this.#ctx!.setState({ lines });
  }
}
