/**
 * A SIM800-class modem on a serial port, with the network behind it: answers the AT commands a driver uses, echoes
 * until ATE0, prompts "> " for the SMS text, sends with +CMGS: <mr>, and delivers the SMS (through `deliver`)
 * after a delay. Faults: no network (+CMS ERROR: 331), a refused send (+CMS ERROR: n), extra delay, lost SMS.
 * Incoming SMS are announced with +CMTI and read with AT+CMGR.
 */
import type { RigClock } from '../../../core/clock.ts';
import type { SerialLink } from '../../serial/link.ts';
import type { GsmFault } from '../fault.ts';

export type { GsmFault } from '../fault.ts';

export class Sim800Emulator {
  registered = true;
  fault: GsmFault = { mode: 'none' };
  #echo = true;
  #textMode = false;
  #mr = 0;
  #buffer = '';
  #sms?: { to: string; text: string };
  readonly inbox: { from: string; text: string; read: boolean }[] = [];

  constructor(
    private readonly link: SerialLink,
    private readonly options: { clock: RigClock; deliveryDelayMs: number; deliver: (to: string, text: string) => void },
  ) {
    link.on('data', (d) => this.#receive(d.toString('latin1')));
  }

  /** What the modem says when it powers up. */
  boot() {
    void this.#say('RDY', '+CPIN: READY', 'Call Ready', 'SMS Ready');
  }

  /** An SMS arrives for the modem's own number. */
  receive(from: string, text: string) {
    this.inbox.push({ from, text, read: false });
    void this.#say(`+CMTI: "SM",${this.inbox.length}`);
  }

  #say(...lines: string[]) {
    return this.link.write(Buffer.from(lines.map((l) => `\r\n${l}\r\n`).join(''), 'latin1')).catch(() => undefined);
  }

  #receive(chunk: string) {
    if (this.#sms) {
      const end = chunk.search(/[\x1a\x1b]/);
      if (end < 0) {
        this.#sms.text += chunk;
        return;
      }
      const sms = this.#sms;
      sms.text += chunk.slice(0, end);
      this.#sms = undefined;
      if (chunk[end] === '\x1b')
        void this.#say('OK'); // ESC aborts
      else void this.#send(sms.to, sms.text);
      chunk = chunk.slice(end + 1);
    }
    this.#buffer += chunk;
    let i: number;
    while ((i = this.#buffer.indexOf('\r')) >= 0) {
      const line = this.#buffer.slice(0, i).replace(/^\n/, '').trim();
      this.#buffer = this.#buffer.slice(i + 1);
      if (line) void this.#command(line);
    }
  }

  async #command(cmd: string) {
    if (this.#echo) await this.link.write(Buffer.from(`${cmd}\r\n`, 'latin1')).catch(() => undefined);
    const upper = cmd.toUpperCase();
    if (upper === 'AT') return this.#say('OK');
    if (upper === 'ATE0' || upper === 'ATE1') {
      this.#echo = upper === 'ATE1';
      return this.#say('OK');
    }
    if (upper === 'AT+CMEE=1' || upper === 'AT+CSCS="GSM"' || upper.startsWith('AT+CNMI=') || upper.startsWith('AT+IPR='))
      return this.#say('OK');
    if (upper === 'AT+CMGF=1' || upper === 'AT+CMGF=0') {
      this.#textMode = upper.endsWith('1');
      return this.#say('OK');
    }
    if (upper === 'AT+CMGF?') return this.#say(`+CMGF: ${this.#textMode ? 1 : 0}`, 'OK');
    if (upper === 'AT+CREG?') return this.#say(`+CREG: 0,${this.registered ? 1 : 0}`, 'OK');
    if (upper === 'AT+CSQ') return this.#say(this.registered ? '+CSQ: 20,0' : '+CSQ: 99,99', 'OK');
    const cmgs = /^AT\+CMGS="(\+?\d{3,15})"$/i.exec(cmd);
    if (cmgs) {
      if (!this.#textMode) return this.#say('+CMS ERROR: 302');
      this.#sms = { to: cmgs[1]!, text: '' };
      return this.link.write(Buffer.from('\r\n> ', 'latin1')).catch(() => undefined);
    }
    const cmgr = /^AT\+CMGR=(\d+)$/i.exec(cmd);
    if (cmgr) {
      const m = this.inbox[Number(cmgr[1]) - 1];
      if (!m) return this.#say('+CMS ERROR: 321'); // invalid memory index
      const status = m.read ? 'REC READ' : 'REC UNREAD';
      m.read = true;
      return this.#say(`+CMGR: "${status}","${m.from}","",""`, m.text, 'OK');
    }
    return this.#say('ERROR');
  }

  async #send(to: string, text: string) {
    if (!this.registered) return this.#say('+CMS ERROR: 331'); // no network service
    if (this.fault.mode === 'error') return this.#say(`+CMS ERROR: ${this.fault.cmsError}`);
    if (this.fault.mode === 'hang') return; // the text is taken, and no +CMGS ever comes
    this.#mr = (this.#mr + 1) % 256;
    // The network has the message from the moment the modem accepts it: start its delivery before answering, so
    // whoever reads the answer and moves the clock on cannot get ahead of it.
    if (this.fault.mode !== 'drop') {
      const delay = this.options.deliveryDelayMs + (this.fault.mode === 'delay' ? this.fault.ms : 0);
      this.options.clock.setTimeout(() => this.options.deliver(to, text), delay);
    }
    await this.#say(`+CMGS: ${this.#mr}`, 'OK');
  }
}
