/**
 * Virtual GSM modem plus the network behind it: an accepted SMS reaches the phone's inbox topic after a delivery
 * delay on the rig clock. Faults: no network (+CMS ERROR 331), a refused send (+CMS ERROR n), extra delay, lost SMS.
 * Error numbers from 3GPP TS 27.005 section 3.2.5.
 */
import type { Device, DeviceContext } from '../device.ts';
import { topics } from '../topics.ts';
import type { GsmFault } from './fault.ts';
import type { MessageOf } from '../module.ts';
import type { contract } from './contract.ts';

export interface GsmOptions {
  /** The modem's own number: the `from` of every SMS it sends. */
  msisdn: string;
  /** Time from the modem accepting an SMS to the phone receiving it. */
  deliveryDelayMs: number;
}

export class VirtualGsmModem implements Device {
  readonly kind = 'gsm' as const;
  readonly impl = 'virtual';
  #ctx?: DeviceContext;
  #registered = true;
  #fault: GsmFault = { mode: 'none' };
  #mr = 0;
  #delivered = 0;

  constructor(private readonly options: GsmOptions) {}

  initialState() {
    return { registered: this.#registered, signal: 20, msisdn: this.options.msisdn, fault: this.#fault.mode, sent: 0, delivered: 0 };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
  }

  command({ payload }: MessageOf<typeof contract.cmd>) {
    const ctx = this.#ctx!;
    const { to, text, ref } = payload;
    if (!this.#registered) return ctx.emit('failed', { ref, cmsError: 331, message: 'no network service' });
    if (this.#fault.mode === 'error') return ctx.emit('failed', { ref, cmsError: this.#fault.cmsError, message: 'send refused' });
    if (this.#fault.mode === 'hang') return; // taken, never answered
    this.#mr = (this.#mr + 1) % 256;
    ctx.emit('sent', { ref, mr: this.#mr });
    ctx.setState({ sent: this.#mr });
    if (this.#fault.mode === 'drop') return;
    const delay = this.options.deliveryDelayMs + (this.#fault.mode === 'delay' ? this.#fault.ms : 0);
    ctx.clock.setTimeout(() => {
      this.#delivered += 1;
      ctx.publish(topics.phoneInbox(to), { from: this.options.msisdn, text, ts: ctx.clock.now() });
      ctx.setState({ delivered: this.#delivered });
    }, delay);
  }

  sim(message: MessageOf<typeof contract.sim>) {
    const ctx = this.#ctx!;
    if (message.name === 'network') {
      this.#registered = message.payload.registered;
      ctx.setState({ registered: this.#registered, signal: this.#registered ? 20 : 0 });
    } else if (message.name === 'receive') {
      const { from, text } = message.payload;
      ctx.emit('received', { from, text });
    } else if (message.name === 'fault') {
      this.#fault = message.payload;
      ctx.setState({ fault: this.#fault.mode });
    }
  }
}
