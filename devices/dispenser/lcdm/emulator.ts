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
import type { SerialLink } from '../../serial/link.ts';
import { ACK, CMD, ERROR, FrameParser, NAK, response, twoDigits } from './frame.ts';

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
  /** Notes each dispense rejects (sim/rejects): up to 3 are replaced, more is "too many rejects" (0x44). */
  rejects = 0;
  readonly #parser = new FrameParser();

  constructor(
    private readonly link: SerialLink,
    public cassettes: { upper: Cassette; lower: Cassette },
    private readonly options: { clock: RigClock; dispenseMs: number },
  ) {
    link.on('data', (d) => {
      for (const p of this.#parser.push(d)) {
        if ('frame' in p && p.frame.start === 0x04) void this.#command(p.frame.cmd, p.frame.data);
        // A corrupt command (BCC wrong, not an LCDM frame) is refused with NAK, the protocol's "send it again"
        // (atm-rig's reading: the public sources show the host NAKing, not the device). A hung device says nothing.
        else if ('bad' in p && !this.hung) void this.#write(Buffer.from([NAK]));
      }
    });
  }

  take() {
    this.atExit = 0;
  }

  #write(bytes: Buffer) {
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
      case CMD.lower: {
        const n = Number(params.toString('ascii'));
        const cassette = cmd === CMD.upper ? this.cassettes.upper : this.cassettes.lower;
        const reply = (chk: number, exit: number, error: number) =>
          response(
            cmd,
            Buffer.concat([twoDigits(chk), twoDigits(exit), Buffer.from([error, cassette.count < 10 ? 0x31 : 0x30]), twoDigits(0)]),
          );
        if (!Number.isInteger(n) || n < 1 || n > 60) return reply(0, 0, ERROR.undefinedCommand);
        if (cassette.count < n) return reply(0, 0, cmd === CMD.upper ? ERROR.upperEmpty : ERROR.lowerEmpty);
        if (this.jammed) return reply(1, 0, ERROR.jamExit);
        if (this.rejects > 3) {
          cassette.count = Math.max(0, cassette.count - this.rejects);
          this.rejected += this.rejects;
          return response(
            cmd,
            Buffer.concat([twoDigits(0), twoDigits(0), Buffer.from([ERROR.tooManyRejects, 0x30]), twoDigits(this.rejects)]),
          );
        }
        cassette.count -= n + this.rejects;
        this.rejected += this.rejects;
        this.atExit += n;
        return response(
          cmd,
          Buffer.concat([
            twoDigits(n + this.rejects),
            twoDigits(n),
            Buffer.from([ERROR.good, cassette.count < 10 ? 0x31 : 0x30]),
            twoDigits(this.rejects),
          ]),
        );
      }
      default:
        return response(cmd, Buffer.from([ERROR.undefinedCommand]));
    }
  }
}
