/**
 * Virtual fingerprint sensor. Placing a finger yields the template of that customer's finger (see
 * fingerprint-template.ts), degraded by `quality`; a finger with no customerId is a stranger's.
 * A spoof (a wax copy) reads like the real finger: the random-finger design names this as its limitation, since
 * optical modules of the ZFM/R30x class have no liveness detection. With `liveness: true` the sensor refuses it.
 */
import type { Device, DeviceContext } from '../device.ts';
import { degrade, strangerTemplate, synthTemplate } from './template.ts';
import type { MessageOf } from '../module.ts';
import type { contract } from './contract.ts';

export class VirtualFingerprintSensor implements Device {
  readonly kind = 'fingerprint' as const;
  readonly impl = 'virtual';
  #ctx?: DeviceContext;
  #captures = 0;

  constructor(private readonly options: { liveness: boolean } = { liveness: false }) {}

  initialState() {
    return { captures: 0 };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
  }

  command() {}

  sim({ payload }: MessageOf<typeof contract.sim>) {
    const ctx = this.#ctx!;
    const { customerId, finger, quality, spoof } = payload;
    if (spoof && this.options.liveness) return ctx.error('spoof-detected', 'liveness check failed: not a live finger');
    const clean = customerId ? synthTemplate(customerId, finger) : strangerTemplate(ctx.random);
    this.#captures += 1;
    ctx.setState({ captures: this.#captures });
    ctx.emit('captured', { template: degrade(clean, quality, ctx.random), quality });
  }
}
