/** Virtual 4 x 20 character LCD: what it is told to show is its retained state. */
import type { Device, DeviceContext } from '../device.ts';
import type { MessageOf } from '../module.ts';
import type { contract } from './contract.ts';

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

  command(message: MessageOf<typeof contract.cmd>) {
    const lines = message.name === 'show' ? message.payload.lines : BLANK;
    this.#ctx!.setState({ lines });
  }
}
