/**
 * The host side of one keypad + LCD board on a serial port: key presses come in, screen lines go out, each
 * command answered by OK before the next is sent. The keypad and LCD devices share one board.
 */
import { EventEmitter } from 'node:events';
import { SerialLink, type SerialSpec } from '../serial/link.ts';
import { KPL_BANNER, KPL_KEY, LineSplitter, lcdText } from './protocol.ts';

export class KeypadLcdBoard extends EventEmitter<{ key: [string]; online: [boolean, string?] }> {
  readonly link: SerialLink;
  readonly #lines = new LineSplitter();
  #answer?: (line: string) => void;
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;
  online = false;
  users = 0;
  #silences = 0;

  constructor(readonly spec: SerialSpec) {
    super();
    this.link = new SerialLink(spec);
    this.link.on('data', (d) => {
      for (const line of this.#lines.push(d)) {
        const key = /^K (\S+)$/.exec(line)?.[1];
        if (key !== undefined) {
          // A key line is never the answer to a command, whatever key it names.
          if (KPL_KEY.test(key)) this.emit('key', key);
          continue;
        }
        if (line === KPL_BANNER) this.#banner();
        else this.#answer?.(line);
      }
    });
    this.link.on('up', () => void this.#identify());
    this.link.on('down', (reason) => this.#setOnline(false, reason));
  }

  start() {
    if (this.users++ === 0) this.link.start();
  }

  /** READY: the board booted (or answered `?`). A board that was online and says it again was reset under an open
   *  port: its screen is blank, so everyone hears `online` again and the LCD redraws. */
  #banner() {
    this.#silences = 0;
    if (this.online) this.emit('online', true);
    else this.#setOnline(true);
  }

  /** A command went unanswered: twice in a row and the board is gone; ask `?` until it says READY again. */
  #silent() {
    if (++this.#silences < 2 || !this.online) return;
    this.#setOnline(false, 'the board stopped answering');
    void this.#identify();
  }

  #setOnline(online: boolean, reason?: string) {
    if (online === this.online) return;
    this.online = online;
    this.emit('online', online, reason);
  }

  async #identify() {
    // The board says READY at boot; ask again in case it booted before the port was opened.
    await this.link.write(Buffer.from('?\n')).catch(() => undefined);
    setTimeout(() => {
      if (!this.online && !this.#stopped && this.link.isUp) void this.#identify();
    }, 1000).unref();
  }

  #send(line: string, timeoutMs = 1000): Promise<void> {
    const run = this.#queue.then(
      () =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.#answer = undefined;
            this.#silent();
            reject(new Error(`the board did not answer "${line}"`));
          }, timeoutMs);
          this.#answer = (answer) => {
            clearTimeout(timer);
            this.#silences = 0;
            this.#answer = undefined;
            if (answer === 'OK') resolve();
            else reject(new Error(`the board refused "${line}": ${answer}`));
          };
          this.link.write(Buffer.from(`${line}\n`, 'latin1')).catch(reject);
        }),
    );
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async show(lines: readonly string[]): Promise<void> {
    for (let row = 0; row < 4; row++) await this.#send(`L ${row} ${lcdText(lines[row] ?? '')}`);
  }

  clear(): Promise<void> {
    return this.#send('C');
  }

  async stop() {
    if (--this.users > 0) return;
    this.#stopped = true;
    await this.link.close();
  }
}

/** One board per port, shared by the keypad and the LCD of an ATM. */
const boards = new Map<string, KeypadLcdBoard>();
export function boardOn(spec: SerialSpec): KeypadLcdBoard {
  let board = boards.get(spec.path);
  if (!board || board.users === 0) boards.set(spec.path, (board = new KeypadLcdBoard(spec)));
  return board;
}
