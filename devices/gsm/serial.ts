/**
 * The GSM modem driver: a SIM800/SIM900 on a serial port, presenting the same Device as the virtual modem.
 * Start-up: AT (a few times: it also sets the auto-baud rate), ATE0, AT+CMEE=1, AT+CPIN? (must be READY),
 * AT+CMGF=1, AT+CSCS="GSM", AT+CSDH=1, AT+CNMI=2,1,0,0,0, AT+CREG=1; then AT+CREG? and AT+CSQ every `pollMs`.
 * `cmd/send` goes out in text mode when it fits one plain SMS, else in PDU mode as concatenated parts
 * (sim800/sms-channel.ts). An incoming SMS (+CMTI) is read with AT+CMGR in PDU mode, deleted with AT+CMGD, its parts
 * put together, and published as `evt/received`.
 *
 * Recovery: when the modem resets with the port still open (RDY, +CFUN: 1 or SMS Ready arrives) or goes silent (two
 * status polls unanswered), the driver is offline with the reason and runs its start-up again, backing off; after
 * `maxFailures` failed start-ups it retries only every `slowRetryMs`, and its state changes only when the reason
 * does, so a dead modem does not flood the bus. Its timers run on `clock`, real time by default: serial I/O
 * happens in real time whatever the rig clock does.
 */
import { systemClock, type RigClock } from '../../core/clock.ts';
import type { Device, DeviceContext } from '../device.ts';
import { SerialLink, type SerialSpec } from '../serial/link.ts';
import { AtError, AtHost } from './sim800/host.ts';
import { Reassembler } from './sim800/pdu/index.ts';
import { readSms } from './sim800/sms-read.ts';
import { SmsChannel } from './sim800/sms-channel.ts';
import { StartUpSupervisor } from './supervisor.ts';
import type { MessageOf } from '../module.ts';
import type { contract } from './contract.ts';

export interface SerialGsmOptions {
  msisdn: string;
  clock?: RigClock;
  pollMs?: number;
  /** From `cmd/send` to `evt/sent`/`failed`, queue time included (the manual allows +CMGS 60 s). */
  sendTimeoutMs?: number;
  maxFailures?: number;
  slowRetryMs?: number;
}

/** A modem that says these unasked has restarted (SMS Ready: also one on auto-baud, which sends no RDY). */
const RESET = /^(RDY|\+CFUN: 1|SMS Ready)$/;

export class SerialGsmModem implements Device {
  readonly kind = 'gsm' as const;
  readonly impl: string;
  readonly link: SerialLink;
  readonly at: AtHost;
  readonly #sms: SmsChannel;
  readonly #clock: RigClock;
  readonly #parts = new Reassembler();
  /** SIM indexes being read now. */
  readonly #reading = new Set<number>();
  #ctx?: DeviceContext;
  #stopped = false;
  readonly #supervisor: StartUpSupervisor;
  #silent = 0;
  #poll?: unknown;

  constructor(
    spec: SerialSpec,
    private readonly options: SerialGsmOptions,
  ) {
    this.impl = `serial:${spec.path}@${spec.baudRate}`;
    this.#clock = options.clock ?? systemClock;
    this.link = new SerialLink(spec);
    this.at = new AtHost(this.link, { clock: this.#clock });
    this.#sms = new SmsChannel(this.at);
    this.#supervisor = new StartUpSupervisor({
      clock: this.#clock,
      startUp: () => {
        this.#stopPolling();
        return this.#handshake();
      },
      canRun: () => !this.#stopped && this.link.isUp,
      setState: (patch) => this.#ctx!.setState(patch),
      onOnline: () => {
        this.#silent = 0;
        this.#schedulePoll();
      },
      ...(options.maxFailures ? { maxFailures: options.maxFailures } : {}),
      ...(options.slowRetryMs ? { slowRetryMs: options.slowRetryMs } : {}),
    });
  }

  initialState() {
    return { online: false, link: 'down', registered: false, signal: 0, msisdn: this.options.msisdn };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
    this.at.onUnsolicited = (line, body) => void this.#unsolicited(line, body).catch(() => undefined);
    this.link.on('up', () => void this.#supervisor.run());
    this.link.on('down', (reason) => {
      this.#stopPolling();
      this.#supervisor.set({ online: false, link: 'down', reason });
    });
    this.link.start();
  }

  async #handshake() {
    let ok = false;
    for (let i = 0; i < 3 && !ok; i++)
      ok = await this.at.command('AT', 1000).then(
        () => true,
        () => false,
      );
    if (!ok) throw new Error('no answer to AT');
    await this.at.command('ATE0');
    await this.at.command('AT+CMEE=1');
    const cpin = (await this.at.command('AT+CPIN?', 5000)).find((l) => l.startsWith('+CPIN:'));
    if (cpin !== '+CPIN: READY') throw new Error(`SIM not ready (${cpin ?? 'no +CPIN'})`);
    for (const cmd of ['AT+CMGF=1', 'AT+CSCS="GSM"', 'AT+CSDH=1', 'AT+CNMI=2,1,0,0,0', 'AT+CREG=1']) await this.at.command(cmd);
    await this.#refresh();
  }

  async #refresh() {
    const creg = (await this.at.command('AT+CREG?')).find((l) => l.startsWith('+CREG:'));
    const csq = (await this.at.command('AT+CSQ')).find((l) => l.startsWith('+CSQ:'));
    const stat = Number(/^\+CREG: \d,(\d)/.exec(creg ?? '')?.[1]);
    const rssi = Number(/^\+CSQ: (\d+)/.exec(csq ?? '')?.[1]);
    // 1 registered at home, 5 roaming; rssi 99 is "unknown".
    this.#supervisor.set({ registered: stat === 1 || stat === 5, signal: rssi === 99 || Number.isNaN(rssi) ? 0 : rssi });
  }

  #schedulePoll() {
    this.#stopPolling();
    this.#poll = this.#clock.setTimeout(() => void this.#pollOnce(), this.options.pollMs ?? 10_000);
  }

  #stopPolling() {
    if (this.#poll !== undefined) this.#clock.clearTimeout(this.#poll);
    this.#poll = undefined;
  }

  async #pollOnce() {
    this.#poll = undefined;
    if (this.#stopped || this.#supervisor.running) return;
    try {
      await this.#refresh();
      this.#silent = 0;
    } catch {
      if (++this.#silent >= 2) {
        this.#supervisor.set({ online: false, reason: 'the modem stopped answering' });
        return void this.#supervisor.run();
      }
    }
    if (!this.#supervisor.running) this.#schedulePoll();
  }

  async #unsolicited(line: string, body?: string) {
    if (RESET.test(line)) {
      if (!this.#supervisor.running) this.#supervisor.set({ online: false, reason: 'the modem restarted' });
      return this.#supervisor.run();
    }
    const creg = /^\+CREG: (\d)(,|$)/.exec(line);
    if (creg) return this.#supervisor.set({ registered: creg[1] === '1' || creg[1] === '5' });
    if (body !== undefined) return this.#received(readSms(line, body));
    const cmti = /^\+CMTI: ?"\w+",(\d+)/.exec(line);
    if (!cmti) return;
    // One read per index at a time, and no more than the SIM has slots: a burst of +CMTI cannot queue thousands of
    // reads in front of the next OTP.
    const index = Number(cmti[1]);
    if (this.#reading.has(index) || this.#reading.size >= 30) return;
    this.#reading.add(index);
    try {
      const lines = await this.#sms.readAndDelete(index);
      this.#received(readSms(lines[0] ?? '', lines[1] ?? ''));
    } finally {
      this.#reading.delete(index);
    }
  }

  #received(sms: ReturnType<typeof readSms>) {
    if (!sms) return;
    const text = this.#parts.add(sms.from, sms.text, sms.concat);
    if (text !== undefined) this.#ctx!.emit('received', { from: sms.from.slice(0, 20), text: text.slice(0, 1024) });
  }

  async command({ payload }: MessageOf<typeof contract.cmd>) {
    const ctx = this.#ctx!;
    const { to, text, ref } = payload;
    try {
      const [mr] = await this.#sms.send(to, text, this.options.sendTimeoutMs ?? 60_000);
      ctx.emit('sent', { ref, mr: mr! });
    } catch (err) {
      const cms = err instanceof AtError ? err.cmsError : undefined;
      ctx.emit('failed', { ref, cmsError: cms ?? 500, message: (err as Error).message });
    }
  }

  async stop() {
    this.#stopped = true;
    this.#stopPolling();
    this.#supervisor.wake();
    await this.link.close();
  }
}
