/**
 * The GSM modem driver: a SIM800/SIM900 on a serial port, presenting the same Device as the virtual modem.
 * Handshake: AT (a few times: it also sets the auto-baud rate), ATE0, AT+CMEE=1, AT+CMGF=1, AT+CSCS="GSM",
 * AT+CNMI=2,1,0,0,0; then AT+CREG? and AT+CSQ every 10 s for the state. `cmd/send` becomes AT+CMGS; an incoming
 * +CMTI is read with AT+CMGR and published as `evt/received`.
 */
import type { Device, DeviceContext } from '../device.ts';
import { connectDevice, SerialLink, type SerialSpec } from '../serial/link.ts';
import { AtError, AtHost } from './sim800/host.ts';
import type { MessageOf } from '../module.ts';
import type { contract } from './contract.ts';

export class SerialGsmModem implements Device {
  readonly kind = 'gsm' as const;
  readonly impl: string;
  readonly link: SerialLink;
  readonly at: AtHost;
  #ctx?: DeviceContext;
  #stopped = false;
  #status?: NodeJS.Timeout;

  constructor(
    spec: SerialSpec,
    private readonly options: { msisdn: string },
  ) {
    this.impl = `serial:${spec.path}@${spec.baudRate}`;
    this.link = new SerialLink(spec);
    this.at = new AtHost(this.link);
  }

  initialState() {
    return { online: false, link: 'down', registered: false, signal: 0, msisdn: this.options.msisdn };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
    this.at.onUnsolicited = (line) => void this.#unsolicited(line);
    connectDevice(
      this.link,
      ctx,
      () => this.#handshake(),
      () => this.#stopped,
    );
  }

  async #handshake() {
    let ok = false;
    for (let i = 0; i < 3 && !ok; i++)
      ok = await this.at.command('AT', 1000).then(
        () => true,
        () => false,
      );
    if (!ok) throw new Error('no answer to AT');
    for (const cmd of ['ATE0', 'AT+CMEE=1', 'AT+CMGF=1', 'AT+CSCS="GSM"', 'AT+CNMI=2,1,0,0,0']) await this.at.command(cmd);
    await this.#refresh();
    clearInterval(this.#status);
    this.#status = setInterval(() => void this.#refresh().catch(() => undefined), 10_000);
    this.#status.unref();
  }

  async #refresh() {
    const creg = (await this.at.command('AT+CREG?')).find((l) => l.startsWith('+CREG:'));
    const csq = (await this.at.command('AT+CSQ')).find((l) => l.startsWith('+CSQ:'));
    const stat = Number(/,(\d)/.exec(creg ?? '')?.[1]);
    const rssi = Number(/\+CSQ: (\d+)/.exec(csq ?? '')?.[1]);
    // 1 registered at home, 5 roaming; rssi 99 is "unknown".
    this.#ctx!.setState({ registered: stat === 1 || stat === 5, signal: rssi === 99 || Number.isNaN(rssi) ? 0 : rssi });
  }

  async #unsolicited(line: string) {
    const m = /^\+CMTI: "\w+",(\d+)/.exec(line);
    if (!m) return;
    const lines = await this.at.command(`AT+CMGR=${m[1]}`).catch(() => [] as string[]);
    const header = /^\+CMGR: "[^"]*","([^"]*)"/.exec(lines[0] ?? '');
    if (header) this.#ctx!.emit('received', { from: header[1]!, text: lines.slice(1).join('\n') });
  }

  async command({ payload }: MessageOf<typeof contract.cmd>) {
    const ctx = this.#ctx!;
    const { to, text, ref } = payload;
    try {
      const mr = await this.at.sendSms(to, text);
      ctx.emit('sent', { ref, mr });
    } catch (err) {
      const cms = err instanceof AtError ? err.cmsError : undefined;
      ctx.emit('failed', { ref, cmsError: cms ?? 500, message: (err as Error).message });
    }
  }

  async stop() {
    this.#stopped = true;
    clearInterval(this.#status);
    await this.link.close();
  }
}
