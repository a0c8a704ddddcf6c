/**
 * A Puloon LCDM-2000 on a serial port: two cassettes (upper, lower), ACK within the half second, the response after
 * the counting time, errors as the device reports them. Faults: a jam, a hang (no answer at all), empty cassettes.
 *
 * Response data, as atm-rig reads the LCDM-2000 documentation:
 *   dispense (45 upper / 55 lower): CHK(2) EXIT(2) ERROR STATUS REJECT(2), counts as two ASCII digits
 *   status (46): SKIP ERROR SENSOR0 SENSOR1; atm-rig takes SENSOR0 '1' as "notes waiting at the exit" (an
 *     assumption the public sources do not settle: check your unit's manual)
 *   purge (44): ERROR; ROM version (47): the version string
 */
import type { RigClock } from '../../../core/clock.ts';
import type { ByteLink } from '../../serial/byte-link.ts';
import { ACK, asciiCount, CMD, ERROR, FrameParser, NAK, response, twoDigits } from './frame.ts';

export interface Cassette {
  denomination: number;
  count: number;
}

export class LcdmEmulator {
  jammed = false;
  hung = false;
  /** Notes at the exit, waiting to be taken. */
  atExit = 0;
  rejected = 0;
  /** Notes each dispense rejects (sim/rejects): they leave the cassette for the reject box and good notes are
   *  picked in their place; more than 3 stops the dispense with "too many rejects" (0x44). */
  rejects = 0;
  readonly #parser: FrameParser;
  #off = false;

  constructor(
    private readonly link: ByteLink,
    public cassettes: { upper: Cassette; lower: Cassette },
    private readonly options: { clock: RigClock; dispenseMs: number; now?: () => number },
  ) {
    this.#parser = new FrameParser({ now: options.now });
    link.on('data', (d) => {
      if (this.#off) return;
      for (const p of this.#parser.push(d)) {
        if ('frame' in p && p.frame.start === 0x04) void this.#command(p.frame.cmd, p.frame.data);
        // A corrupt command (BCC wrong, not an LCDM frame) is refused with NAK, the protocol's "send it again"
        // (atm-rig's reading: the public sources show the host NAKing, not the device). A hung device says nothing.
        else if ('bad' in p && !this.hung) void this.#write(Buffer.from([NAK]));
      }
    });
  }

  /** Power cut with the port kept open: deaf and mute for `offMs` (0: until powerOn). Notes at the exit stay there;
   *  the host's purge after its handshake sends them to the reject box. */
  powerCycle(offMs = 0, schedule: (fn: () => void, ms: number) => unknown = setTimeout) {
    this.#off = true;
    if (offMs > 0) schedule(() => this.powerOn(), offMs);
  }

  powerOn() {
    this.#off = false;
  }

  take() {
    this.atExit = 0;
  }

  #write(bytes: Buffer) {
    if (this.#off) return Promise.resolve();
    return this.link.write(bytes).catch(() => undefined);
  }

  async #command(cmd: number, params: Buffer) {
    if (this.hung) return;
    const answer = () => this.#answer(cmd, params);
    // Counting starts as the command lands; acknowledge after, so no one who saw the ACK can get ahead of the timer.
    if (cmd === CMD.upper || cmd === CMD.lower) {
      this.options.clock.setTimeout(() => void this.#write(answer()), this.options.dispenseMs);
      await this.#write(Buffer.from([ACK]));
    } else {
      await this.#write(Buffer.from([ACK]));
      await this.#write(answer());
    }
  }

  #answer(cmd: number, params: Buffer): Buffer {
    // Status, purge and ROM version take no parameters: anything else is not a command this device knows.
    if (cmd !== CMD.upper && cmd !== CMD.lower && params.length > 0) return response(cmd, Buffer.from([ERROR.undefinedCommand]));
    switch (cmd) {
      case CMD.status:
        return response(cmd, Buffer.from([0x30, this.jammed ? ERROR.jamExit : ERROR.good, this.atExit > 0 ? 0x31 : 0x30, 0x30]));
      case CMD.purge:
        this.rejected += this.atExit;
        this.atExit = 0;
        this.jammed = false;
        return response(cmd, Buffer.from([ERROR.good]));
      case CMD.rom:
        return response(cmd, Buffer.from('LCDM2000-ATMRIG', 'ascii'));
      case CMD.upper:
      case CMD.lower:
        return this.#dispense(cmd, params);
      default:
        return response(cmd, Buffer.from([ERROR.undefinedCommand]));
    }
  }

  /**
   * Notes are picked one at a time: a rejected one (sim/rejects) goes to the reject box, a good one to the exit,
   * until `n` are out or the cassette is empty. Every picked note leaves the cassette. CHK counts the picked notes.
   */
  #dispense(cmd: number, params: Buffer): Buffer {
    const cassette = cmd === CMD.upper ? this.cassettes.upper : this.cassettes.lower;
    const reply = (chk: number, exit: number, error: number, rejected: number) =>
      response(
        cmd,
        Buffer.concat([twoDigits(chk), twoDigits(exit), Buffer.from([error, cassette.count < 10 ? 0x31 : 0x30]), twoDigits(rejected)]),
      );
    const n = asciiCount(params);
    if (n === undefined || n < 1 || n > 60) return reply(0, 0, ERROR.undefinedCommand, 0);
    if (this.jammed) return reply(0, 0, ERROR.jamExit, 0);
    const empty = cmd === CMD.upper ? ERROR.upperEmpty : ERROR.lowerEmpty;
    if (cassette.count === 0) return reply(0, 0, empty, 0);
    let [exit, rejected] = [0, 0];
    while (exit < n && cassette.count > 0) {
      cassette.count -= 1;
      if (rejected < this.rejects) rejected += 1;
      else exit += 1;
      // More than three rejects in one dispense stops it: what reached the exit stays there.
      if (rejected > 3) break;
    }
    this.rejected += rejected;
    this.atExit += exit;
    const error = rejected > 3 ? ERROR.tooManyRejects : exit < n ? empty : ERROR.good;
    return reply(exit + rejected, exit, error, rejected);
  }
}
