/**
 * The host side of SIM800/SIM900 AT commands (SIM800 Series AT Command Manual V1.09; TinyGSM's SMS code), text
 * mode only: commands end with CR; final result codes are OK, ERROR, +CME ERROR: n, +CMS ERROR: n; AT+CMGS waits
 * for the "> " prompt, then the text ended by Ctrl-Z (0x1A). Unsolicited codes (+CMTI, RDY, ...) go to a listener.
 */
import { Inbox, type SerialLink } from '../../serial/link.ts';
import { SerialQueue } from '../../../core/serial-queue.ts';

export class AtError extends Error {
  constructor(
    readonly command: string,
    readonly result: string,
  ) {
    super(`${command}: ${result}`);
  }
  /** The +CMS ERROR number, when the modem gave one. */
  get cmsError(): number | undefined {
    const m = /\+CMS ERROR: (\d+)/.exec(this.result);
    return m ? Number(m[1]) : undefined;
  }
}

const FINAL = /^(OK|ERROR|\+CME ERROR: .*|\+CMS ERROR: .*)$/;
const UNSOLICITED = /^(\+CMTI: |RDY|\+CPIN: |Call Ready|SMS Ready|RING|NORMAL POWER DOWN|\+CFUN: )/;

export class AtHost {
  #buffer = '';
  readonly #lines = new Inbox<string>();
  readonly #queue = new SerialQueue();
  onUnsolicited: (line: string) => void = () => {};

  constructor(private readonly link: SerialLink) {
    link.on('data', (d) => {
      this.#buffer += d.toString('latin1');
      // The SMS prompt has no line end: surface it as its own line.
      this.#buffer = this.#buffer.replace(/(^|\r\n)> $/, '$1>\r\n');
      let i: number;
      while ((i = this.#buffer.search(/\r\n|\n/)) >= 0) {
        const line = this.#buffer.slice(0, i).trim();
        this.#buffer = this.#buffer.slice(this.#buffer[i] === '\r' ? i + 2 : i + 1);
        if (!line) continue;
        if (UNSOLICITED.test(line)) this.onUnsolicited(line);
        else this.#lines.push(line);
      }
    });
  }

  #line(timeoutMs: number): Promise<string> {
    return this.#lines.next(timeoutMs, 'the modem did not answer');
  }

  /** Send a command; resolve with the information lines before OK; reject with AtError on an error result. */
  command(cmd: string, timeoutMs = 2000): Promise<string[]> {
    return this.#queue.run(async () => {
      this.#lines.clear();
      await this.link.write(Buffer.from(`${cmd}\r`, 'latin1'));
      const info: string[] = [];
      for (;;) {
        const line = await this.#line(timeoutMs);
        if (line === cmd) continue; // echo, before ATE0
        if (FINAL.test(line)) {
          if (line === 'OK') return info;
          throw new AtError(cmd, line);
        }
        info.push(line);
      }
    });
  }

  /** AT+CMGS: the number, the "> " prompt, the text and Ctrl-Z; resolves with the message reference. */
  sendSms(to: string, text: string, timeoutMs = 60_000): Promise<number> {
    return this.#queue.run(async () => {
      this.#lines.clear();
      const cmd = `AT+CMGS="${to}"`;
      await this.link.write(Buffer.from(`${cmd}\r`, 'latin1'));
      for (;;) {
        const line = await this.#line(5000);
        if (line === cmd) continue;
        if (line === '>') break;
        if (FINAL.test(line)) throw new AtError(cmd, line);
      }
      await this.link.write(Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from([0x1a])]));
      let mr: number | undefined;
      for (;;) {
        const line = await this.#line(timeoutMs);
        const m = /^\+CMGS: (\d+)/.exec(line);
        if (m) mr = Number(m[1]);
        else if (line === 'OK' && mr !== undefined) return mr;
        else if (FINAL.test(line)) throw new AtError(cmd, line);
      }
    });
  }
}
