/** Virtual motorised card reader: holds an inserted card until the ATM ejects or retains it. */
import type { Device, DeviceContext } from '../device.ts';
import type { MessageOf } from '../module.ts';
import type { contract } from './contract.ts';

type Slot = 'empty' | 'inside' | 'presented';

export class VirtualCardReader implements Device {
  readonly kind = 'card' as const;
  readonly impl = 'virtual';
  #ctx?: DeviceContext;
  #slot: Slot = 'empty';
  #retained = 0;

  initialState() {
    return { slot: this.#slot, retained: this.#retained };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
  }

  #set(slot: Slot) {
    this.#slot = slot;
    this.#ctx!.setState({ slot, retained: this.#retained });
  }

  command({ name }: MessageOf<typeof contract.cmd>) {
    const ctx = this.#ctx!;
    if (name === 'eject') {
      if (this.#slot !== 'inside') return ctx.error('no-card', 'no card to eject');
      this.#set('presented');
      ctx.emit('ejected', {});
    } else if (name === 'retain') {
      if (this.#slot === 'empty') return ctx.error('no-card', 'no card to retain');
      this.#retained += 1;
      this.#set('empty');
      ctx.emit('retained', {});
    }
  }

  sim(message: MessageOf<typeof contract.sim>) {
    const ctx = this.#ctx!;
    if (message.name === 'insert') {
      if (this.#slot !== 'empty') return ctx.error('slot-busy', 'a card is already in the slot');
      this.#set('inside');
      ctx.emit('inserted', { pan: message.payload.pan });
    } else if (message.name === 'remove') {
      if (this.#slot === 'inside') return ctx.error('card-held', 'the reader holds the card until it is ejected');
      if (this.#slot === 'empty') return ctx.error('no-card', 'there is no card to take');
      this.#set('empty');
      ctx.emit('removed', {});
    }
  }
}
