/** A virtual receipt printer: prints when it has paper and its cover is shut; paper and cover are the person's sims. */
import type { Device, DeviceContext } from '../device.ts';
import type { PrinterCondition } from './escpos.ts';
import type { MessageOf } from '../module.ts';
import type { contract } from './contract.ts';

export class VirtualReceiptPrinter implements Device {
  readonly kind = 'printer' as const;
  readonly impl = 'virtual';
  #ctx?: DeviceContext;
  #condition: PrinterCondition = { paper: 'ok', coverOpen: false };
  #printed = 0;

  initialState() {
    return { ...this.#condition, printed: 0 };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
  }

  command({ payload }: MessageOf<typeof contract.cmd>) {
    const ctx = this.#ctx!;
    const { ref, lines } = payload;
    const reason = this.#condition.paper === 'out' ? 'paper-out' : this.#condition.coverOpen ? 'cover-open' : undefined;
    if (reason) return ctx.emit('failed', { ref, reason, message: reason === 'paper-out' ? 'out of paper' : 'the cover is open' });
    this.#printed += 1;
    ctx.setState({ printed: this.#printed, lastReceipt: lines });
    ctx.emit('printed', { ref, lines });
  }

  sim(message: MessageOf<typeof contract.sim>) {
    const ctx = this.#ctx!;
    if (message.name === 'paper') this.#condition = { ...this.#condition, paper: message.payload.state };
    else if (message.name === 'cover') this.#condition = { ...this.#condition, coverOpen: message.payload.open };
    else if (message.name === 'take') return ctx.setState({ lastReceipt: null });
    ctx.setState({ ...this.#condition });
  }
}
