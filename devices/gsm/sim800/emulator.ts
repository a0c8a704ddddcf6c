/**
 * A SIM800 on a serial port, with the network behind it, per the SIM800 Series AT Command Manual V1.09 and 27.005/
 * 27.007 (facts and sources: shared/reference/sim800-sms.md; what is supported: docs/devices/gsm.md). It reads
 * V.250 command lines (command-line.ts), answers them (commands-general.ts, commands-sms.ts) framed per ATV/ATQ/
 * +CMEE (results.ts), takes SMS in text and PDU mode after the "> " prompt (sms-input.ts), stores incoming SMS
 * (store.ts) and announces them with +CMTI or +CMT per +CNMI. The network: an accepted SMS (concatenated parts put
 * back together) reaches `deliver` after a delay on the rig clock; faults: no network (+CMS ERROR: 331), a refused
 * send (+CMS ERROR: n), extra delay, lost SMS, a hang (the text is taken and no answer comes).
 * Memory is bounded whatever the host sends: one command line, one SMS input, a few buffered URCs.
 */
import type { RigClock } from '../../../core/clock.ts';
import type { GsmFault } from '../fault.ts';
import { LineReader, parseCommands } from './command-line.ts';
import { commandsOf } from './commands.ts';
import type { Identity, Modem, SmsInput } from './context.ts';
import { DEFAULT_IDENTITY } from './identity.ts';
import { Sim800Network } from './network.ts';
import type { AtPort } from './port.ts';
import { cms, CMS, ERROR, final, info, urc, type Failure } from './results.ts';
import { copySettings, factoryNvram, factorySettings, type Nvram, type Settings } from './settings.ts';
import { MAX_INPUT, submitFromInput } from './sms-input.ts';
import { SmsStore } from './store.ts';

export type { GsmFault } from '../fault.ts';
export { DEFAULT_IDENTITY } from './identity.ts';

export interface Sim800Options {
  clock: RigClock;
  deliveryDelayMs: number;
  /** The network hands an SMS the modem sent to the phone `to`. */
  deliver: (to: string, text: string) => void;
  identity?: Partial<Identity>;
  /** From power-on to "SMS Ready" (SMS commands answer ERROR until then); 0 by default. */
  smsReadyDelayMs?: number;
  /** The network's time zone for timestamps, in quarter hours (+8 = UTC+2, as in Zambia). */
  tz?: number;
}

const CTRL_Z = 0x1a;
const ESC = 0x1b;
const MAX_URC_BACKLOG = 32;

export class Sim800Emulator implements Modem {
  fault: GsmFault = { mode: 'none' };
  settings: Settings = factorySettings();
  saved: Settings = factorySettings();
  nvram: Nvram;
  cfun = 1;
  readonly identity: Identity;
  readonly store = new SmsStore();
  readonly network: Sim800Network;
  #network = true;
  #on = true;
  #smsReady = true;
  #reader = new LineReader();
  #lastLine = '';
  #input?: { spec: SmsInput; typed: string; overflow: boolean };
  #out = '';
  /** Reading a chunk: what is said goes after what the chunk already made it say. */
  #busy = false;
  #backlog: string[] = [];
  readonly #listener = (d: Buffer) => this.#bytes(d);

  constructor(
    private readonly port: AtPort,
    private readonly options: Sim800Options,
  ) {
    this.identity = { ...DEFAULT_IDENTITY, ...options.identity };
    this.nvram = factoryNvram('+260970000100');
    this.network = new Sim800Network(this, options);
    port.on('data', this.#listener);
  }

  get registered(): boolean {
    return this.#network && this.cfun === 1;
  }

  /** The network comes or goes (sim/network); +CREG URCs per AT+CREG=n. */
  set registered(v: boolean) {
    if (v === this.#network) return;
    this.#network = v;
    const n = this.settings.creg;
    if (n > 0)
      this.urc(`+CREG: ${this.registered ? 1 : 0}${n === 2 && this.registered ? `,"${this.identity.lac}","${this.identity.ci}"` : ''}`);
  }

  get smsReady(): boolean {
    return this.#smsReady;
  }

  get signal() {
    return this.registered ? { rssi: 20, ber: 0 } : { rssi: 99, ber: 99 };
  }

  /** Power on: RDY, +CFUN: 1, +CPIN: READY, then Call Ready and SMS Ready (SIM800 manual §19.3). */
  boot(): void {
    this.#on = true;
    this.#smsReady = false;
    this.urc('RDY');
    this.urc('+CFUN: 1');
    this.urc('+CPIN: READY');
    const ready = () => {
      this.#smsReady = true;
      this.urc('Call Ready');
      this.urc('SMS Ready');
    };
    if (this.options.smsReadyDelayMs) this.options.clock.setTimeout(ready, this.options.smsReadyDelayMs);
    else ready();
  }

  /** A reset (AT+CFUN=1,1, or power cycled): the user profile again, stored SMS kept, the power-on URCs. */
  restart(): void {
    this.settings = copySettings(this.saved);
    this.cfun = 1;
    this.#reader.reset();
    this.#input = undefined;
    this.#backlog = [];
    this.boot();
  }

  /** Power off: nothing is read or said until boot() or restart(). */
  powerOff(): void {
    this.#on = false;
    this.#input = undefined;
  }

  /** Stop listening to the port (a test that puts a new emulator behind the same port). */
  detach(): void {
    this.port.off('data', this.#listener);
    this.#on = false;
  }

  /** An SMS arrives from the network for the modem's own number (sim/receive). */
  receive(from: string, text: string): void {
    if (this.#on) this.network.receive(from, text);
  }

  /** Say an unsolicited result code now, or after the SMS being typed. */
  urc(...lines: string[]): void {
    if (!this.#on) return;
    const text = urc(lines, this.settings);
    if (this.#input) {
      this.#backlog.push(text);
      if (this.#backlog.length > MAX_URC_BACKLOG) this.#backlog.shift();
    } else if (this.#busy) this.#out += text;
    else this.#write(text);
  }

  #write(text: string) {
    if (text) void this.port.write(Buffer.from(text, 'latin1')).catch(() => undefined);
  }

  #bytes(data: Buffer) {
    if (!this.#on) return;
    this.#busy = true;
    for (const byte of data) {
      if (this.#input) this.#inputByte(byte);
      else {
        const { event, echo } = this.#reader.push(byte);
        if (this.settings.echo) this.#out += echo;
        if (!event) continue;
        if ('overflow' in event) this.#out += final(ERROR, this.settings);
        else this.#line('repeat' in event ? this.#lastLine : event.line);
      }
    }
    this.#busy = false;
    const out = this.#out;
    this.#out = '';
    this.#write(out);
  }

  #line(body: string) {
    this.#lastLine = body;
    const commands = parseCommands(body);
    if (!commands) return void (this.#out += final(ERROR, this.settings));
    let text = '';
    const after: (() => void)[] = [];
    for (const c of commands) {
      const handler = commandsOf[c.name];
      const outcome = handler ? handler(this, c) : { fail: ERROR };
      if (outcome.fail) return void (this.#out += final(outcome.fail, this.settings));
      text += info(outcome.lines ?? [], this.settings);
      if (outcome.after) after.push(outcome.after);
      if (outcome.input) {
        this.#out += `${text}\r\n> `;
        this.#input = { spec: outcome.input, typed: '', overflow: false };
        return;
      }
    }
    this.#out += text + final('OK', this.settings);
    for (const a of after) a();
  }

  #inputByte(byte: number) {
    const input = this.#input!;
    if (byte === ESC || byte === CTRL_Z) {
      if (this.settings.echo) this.#out += String.fromCharCode(byte);
      this.#input = undefined;
      if (byte === ESC) this.#out += final('OK', this.settings);
      else this.#send(input);
      for (const u of this.#backlog.splice(0)) this.#out += u;
      return;
    }
    if (this.settings.echo) this.#out += String.fromCharCode(byte);
    if (input.spec.mode === 'text' && byte === 0x0d) {
      this.#out += '\r\n> '; // 27.005: every CR in the text is answered with a new prompt
      byte = 0x0a;
    } else if (input.spec.mode === 'text' && byte === 0x0a && input.typed.endsWith('\n')) return;
    if (input.typed.length >= MAX_INPUT) input.overflow = true;
    else input.typed += String.fromCharCode(byte);
  }

  #send(input: { spec: SmsInput; typed: string; overflow: boolean }) {
    if (input.overflow) return void (this.#out += final(cms(input.spec.mode === 'pdu' ? CMS.pduParameter : CMS.tooLong), this.settings));
    const submit = submitFromInput(input.spec, input.typed, this.settings, this.nvram, this.network.nextMr);
    if ('error' in submit) return void (this.#out += final(submit as Failure, this.settings));
    const result = this.network.submit(submit);
    if (result === 'hang') return;
    if (typeof result === 'number') this.#out += info([`+CMGS: ${result}`], this.settings) + final('OK', this.settings);
    else this.#out += final(result, this.settings);
  }
}
