/**
 * The fingerprint sensor driver: a ZFM / R30x / AS608 module on a serial port, presenting the same Device (and so
 * the same MQTT topics) as the virtual sensor. It polls GenImg; when a finger is on the sensor it converts the image
 * (Img2Tz 1), uploads the character file (UpChar 1) and publishes it as `evt/captured`, then waits for the finger
 * to be lifted before the next capture. The bank matches the template, as the ATM switch does in the design; or, with
 * `match: module`, the module's own matcher does (a real sensor's captures differ byte by byte: only it can).
 */
import type { Device, DeviceContext } from '../device.ts';
import { connectDevice, SerialLink, type ModuleConnection, type SerialSpec } from '../serial/link.ts';
import { ZfmError, ZfmHost } from './zfm/host.ts';
import { CODE } from './zfm/packet.ts';

/** Failures in a row (timeouts, bad packets) after which the sensor counts as gone, not as having a bad moment. */
const FAILURES_UNTIL_LOST = 3;

export class SerialFingerprintSensor implements Device {
  readonly kind = 'fingerprint' as const;
  readonly impl: string;
  readonly link: SerialLink;
  readonly host: ZfmHost;
  #ctx?: DeviceContext;
  #polling = false;
  #stopped = false;
  #captures = 0;
  #connection?: ModuleConnection;
  #capacity = 1000;

  constructor(
    spec: SerialSpec,
    private readonly options: { pollMs?: number; password?: number; match?: 'bank' | 'module' } = {},
  ) {
    this.impl = `serial:${spec.path}@${spec.baudRate}`;
    this.link = new SerialLink(spec);
    this.host = new ZfmHost(this.link);
  }

  initialState() {
    return { online: false, link: 'down', captures: 0 };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
    // A ZFM needs ~500 ms after power-up: connectDevice retries the handshake until it answers.
    this.#connection = connectDevice(
      this.link,
      ctx,
      () => this.#handshake(),
      () => this.#stopped,
    );
  }

  async #handshake() {
    await this.host.verifyPassword(this.options.password ?? 0);
    const para = await this.host.readSysPara();
    this.#capacity = para.capacity;
    // The handshake resolves before the connection says online: poll from the next turn.
    setImmediate(() => void this.#poll());
    return { capacity: para.capacity, securityLevel: para.securityLevel };
  }

  async #poll() {
    if (this.#polling) return;
    this.#polling = true;
    let waitingForLift = false;
    let failures = 0;
    while (!this.#stopped && this.link.isUp && this.#connection?.online !== false) {
      try {
        const finger = await this.host.genImg();
        if (finger && !waitingForLift) {
          await this.host.img2Tz(1);
          const { template, matchedOnModule } = await this.#template();
          this.#captures += 1;
          this.#ctx!.setState({ captures: this.#captures });
          this.#ctx!.emit('captured', {
            template: template.toString('base64'),
            quality: 100,
            ...(matchedOnModule ? { matchedOnModule } : {}),
          });
          waitingForLift = true;
        } else if (!finger) waitingForLift = false;
        failures = 0;
      } catch (err) {
        if (!this.link.isUp) break;
        failures += 1;
        // 0x21 "verify the password first": the module restarted under an open port. Silence or garbage, again and
        // again: it is gone. Either way, hand it back to the connection to handshake again, and stop polling.
        const reset = err instanceof ZfmError && err.code === CODE.mustVerifyPassword;
        if (reset || failures >= FAILURES_UNTIL_LOST) {
          this.#connection?.lost(
            reset ? 'the sensor restarted (0x21: password not verified)' : `the sensor stopped answering: ${(err as Error).message}`,
          );
          break;
        }
        this.#ctx!.error('sensor-error', (err as Error).message);
      }
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 100));
    }
    this.#polling = false;
  }

  /**
   * The template to send for the capture in buffer 1. `match: bank`: the capture itself. `match: module`: Search the
   * module's library; on a hit, the enrolled model stored at that page (LoadChar into buffer 2, UpChar), which the
   * bank knows byte for byte from `atm-rig enrol`; on a miss, the capture, which matches nobody.
   */
  async #template(): Promise<{ template: Buffer; matchedOnModule?: { page: number; score: number } }> {
    if (this.options.match !== 'module') return { template: await this.host.upChar(1) };
    const found = await this.host.search(1, 0, this.#capacity);
    if (!found) return { template: await this.host.upChar(1) };
    await this.host.loadChar(2, found.page);
    return { template: await this.host.upChar(2), matchedOnModule: found };
  }

  command() {}

  async stop() {
    this.#stopped = true;
    await this.link.close();
  }
}
