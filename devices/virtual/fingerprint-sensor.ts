/**
 * Virtual fingerprint sensor. Placing a finger yields the template of that customer's finger (see
 * fingerprint-template.ts), degraded by `quality`; a finger with no customerId is a stranger's.
 */
import type { Device, DeviceContext } from '../device.ts';
import { degrade, strangerTemplate, synthTemplate } from './fingerprint-template.ts';

export class VirtualFingerprintSensor implements Device {
  readonly kind = 'fingerprint' as const;
  readonly impl = 'virtual';
  #ctx?: DeviceContext;
  #captures = 0;

  initialState() {
    return { captures: 0 };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
  }

  command() {}

  sim(_name: string, payload: unknown) {
    const ctx = this.#ctx!;
    const { customerId, finger, quality } = payload as { customerId?: string; finger: number; quality: number };
    const clean = customerId ? synthTemplate(customerId, finger) : strangerTemplate(ctx.random);
    this.#captures += 1;
    ctx.setState({ captures: this.#captures });
    ctx.emit('captured', { template: degrade(clean, quality, ctx.random), quality });
  }
}
