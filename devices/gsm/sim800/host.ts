/**
 * The host side of the SIM800's AT commands (SIM800 Series AT Command Manual V1.09; 27.005/27.007; V.250). Lines
 * end with CR, LF or both; empty ones are dropped. An answer is information lines then a final result (OK, ERROR,
 * +CME ERROR: n, +CMS ERROR: n). Unsolicited result codes (+CMTI, +CMT with its body line, +CREG, RDY, ...) can
 * arrive at any time, also between a command and its answer: they go to `onUnsolicited`, except a line that
 * answers the command in hand (`+CREG: 0,1` to AT+CREG?). AT+CMGS waits for the "> " prompt (no line end).
 *
 * Every wait is bounded on the injected clock. A command that times out leaves the modem in an unknown state (in
 * the middle of an SMS, or hung): the next command first re-synchronises (ESC, which abandons an SMS being typed,
 * then AT until OK). An SMS has a deadline from the moment it is asked for, queue time included, so an SMS that
 * waited behind a hung one is refused unsent rather than sent late (a stale OTP).
 */
import { systemClock, type RigClock } from '../../../core/clock.ts';
import { SerialQueue } from '../../../core/serial-queue.ts';
import type { AtPort } from './port.ts';

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

/** No answer in time: `result` says what was awaited. */
export class AtTimeout extends AtError {}

const FINAL = /^(OK|ERROR|NO CARRIER|\+CME ERROR: ?.*|\+CMS ERROR: ?.*)$/;
const UNSOLICITED =
  /^(\+CMTI: |\+CMT: |\+CDS: |\+CREG: |\+CPIN: |\+CFUN: |RDY$|Call Ready$|SMS Ready$|RING$|\+CLIP: |\+CRING: |NORMAL POWER DOWN$|UNDER-VOLTAGE|OVER-VOLTAGE|\+CUSD: |\+CIEV: |\*PSUTTZ|DST: |\+CTZV: )/;
/** Longest line kept; a longer run of bytes without a line end is noise and dropped. */
const MAX_LINE = 4096;

interface Pending {
  cmd: string;
  /** Information lines of this command start with this (`+CREG:` for AT+CREG?). */
  prefix?: string;
  info: string[];
  onPrompt?: () => void;
  settle(error: AtError | undefined, info: string[]): void;
}

export class AtHost {
  #buffer = '';
  #pending?: Pending;
  #cmt?: string;
  #dirty = false;
  readonly #queue = new SerialQueue();
  readonly clock: RigClock;
  onUnsolicited: (line: string, body?: string) => void = () => {};

  constructor(
    private readonly port: AtPort,
    options: { clock?: RigClock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    port.on('data', (d) => this.#data(d.toString('latin1')));
  }

  #data(chunk: string) {
    this.#buffer += chunk;
    let i: number;
    while ((i = this.#buffer.search(/[\r\n]/)) >= 0) {
      const line = this.#buffer.slice(0, i); // not trimmed: a text-mode body in the GSM set has control codes
      this.#buffer = this.#buffer.slice(i + 1);
      if (line) this.#line(line);
    }
    if (this.#buffer.length > MAX_LINE) this.#buffer = '';
    if (this.#buffer.trimStart() === '>' || this.#buffer.trimStart() === '> ') {
      const p = this.#pending;
      if (p?.onPrompt) {
        this.#buffer = '';
        const go = p.onPrompt;
        p.onPrompt = undefined;
        go();
      }
    }
  }

  #line(line: string) {
    if (this.#cmt !== undefined) {
      const header = this.#cmt;
      this.#cmt = undefined;
      return this.onUnsolicited(header, line);
    }
    const p = this.#pending;
    if (p && line === p.cmd) return; // the echo, before ATE0
    if (p && FINAL.test(line)) {
      this.#pending = undefined;
      return p.settle(line === 'OK' ? undefined : new AtError(p.cmd, line), p.info);
    }
    if (p && p.prefix && line.startsWith(p.prefix)) return void p.info.push(line);
    if (line.startsWith('+CMT: ')) return void (this.#cmt = line);
    if (UNSOLICITED.test(line) || !p) return this.onUnsolicited(line);
    p.info.push(line);
  }

  /** Write `bytes` and wait for the final result; `onPrompt` runs at the "> " prompt. */
  #exchange(cmd: string, bytes: Buffer, timeoutMs: number, onPrompt?: () => void): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        if (this.#pending !== pending) return;
        this.#pending = undefined;
        this.#dirty = true;
        reject(new AtTimeout(cmd, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const pending: Pending = {
        cmd,
        prefix: /^AT([+#*^][A-Z0-9]+)/i.exec(cmd)?.[1]?.toUpperCase().concat(':'),
        info: [],
        onPrompt,
        settle: (error, info) => {
          this.clock.clearTimeout(timer);
          if (error) reject(error);
          else resolve(info);
        },
      };
      this.#pending = pending;
      this.port.write(bytes).catch((err: Error) => {
        if (this.#pending !== pending) return;
        this.#pending = undefined;
        this.clock.clearTimeout(timer);
        reject(new AtError(cmd, err.message));
      });
    });
  }

  /** After a timeout: ESC (ends an SMS being typed), then AT until OK. */
  async #resync() {
    if (!this.#dirty) return;
    await this.port.write(Buffer.from([0x1b, 0x0d])).catch(() => undefined);
    for (let i = 0; i < 3; i++) {
      const ok = await this.#exchange('AT', Buffer.from('AT\r'), 1000).then(
        () => true,
        () => false,
      );
      if (ok) {
        this.#dirty = false;
        return;
      }
    }
    throw new AtTimeout('AT', 'the modem does not answer');
  }

  /** Send a command; resolve with the information lines before OK; reject with AtError on an error result. */
  command(cmd: string, timeoutMs = 2000): Promise<string[]> {
    return this.#queue.run(async () => {
      await this.#resync();
      return this.#exchange(cmd, Buffer.from(`${cmd}\r`, 'latin1'), timeoutMs);
    });
  }

  /** AT+CMGS in text mode: the number, the prompt, the text (already in the +CSCS set) and Ctrl-Z. */
  sendSms(to: string, text: string, timeoutMs = 60_000): Promise<number> {
    return this.#send(`AT+CMGS="${to}"`, text, timeoutMs);
  }

  /** AT+CMGS in PDU mode: <length> is the TPDU's octets (the SMSC part not counted). */
  sendPdu(pduHex: string, tpduOctets: number, timeoutMs = 60_000): Promise<number> {
    return this.#send(`AT+CMGS=${tpduOctets}`, pduHex, timeoutMs);
  }

  /** Errors name the command as `AT+CMGS` only: neither the number nor the text (an OTP) goes into a message. */
  #send(cmd: string, body: string, timeoutMs: number): Promise<number> {
    const deadline = this.clock.now() + timeoutMs;
    return this.#queue.run(async () => {
      if (this.clock.now() >= deadline) throw new AtTimeout('AT+CMGS', 'not sent: it waited too long behind an earlier command');
      await this.#resync();
      const left = Math.max(1, deadline - this.clock.now());
      const bodyBytes = Buffer.concat([Buffer.from(body, 'latin1'), Buffer.from([0x1a])]);
      const info = await this.#exchange(cmd, Buffer.from(`${cmd}\r`, 'latin1'), left, () => {
        void this.port.write(bodyBytes).catch(() => undefined);
      }).catch((err: AtError) => {
        throw err instanceof AtTimeout ? new AtTimeout('AT+CMGS', err.result) : new AtError('AT+CMGS', err.result);
      });
      const mr = info.map((l) => /^\+CMGS: ?(\d+)/.exec(l)).find(Boolean);
      if (!mr) throw new AtError('AT+CMGS', 'OK without +CMGS: <mr>');
      return Number(mr[1]);
    });
  }
}
