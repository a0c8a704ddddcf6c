/**
 * The cash dispenser driver: a Puloon LCDM-2000 on a serial port, presenting the same Device as the virtual
 * dispenser. The driver keeps the note counts (an LCDM cannot report them), plans the notes with the same planner,
 * dispenses each cassette's share with its own command (45 upper, 55 lower), and on any fault purges what reached
 * the transport into the reject box (44) before reporting `failed`. After a dispense it polls the status (46)
 * until the notes are taken.
 */
import { beginDispense, SeenRefs } from './seen-refs.ts';
import type { Device, DeviceContext } from '../device.ts';
import { planNotes } from './note-plan.ts';
import { connectDevice, Inbox, SerialLink, type ModuleConnection, type SerialSpec } from '../serial/link.ts';
import { ACK, asciiCount, CMD, command, ERROR, FrameParser, twoDigits, type Parsed } from './lcdm/frame.ts';
import type { Cassette } from './lcdm/emulator.ts';
import { SerialQueue } from '../../core/serial-queue.ts';
import type { MessageOf } from '../module.ts';
import type { contract } from './contract.ts';

export class SerialCashDispenser implements Device {
  readonly kind = 'dispenser' as const;
  readonly impl: string;
  readonly link: SerialLink;
  readonly #parser = new FrameParser();
  readonly #seen = new SeenRefs();
  #ctx?: DeviceContext;
  readonly #inbox = new Inbox<Parsed>();
  #stopped = false;
  readonly #queue = new SerialQueue();
  #cassettes: { upper: Cassette; lower: Cassette };
  #watchTaken?: NodeJS.Timeout;
  #health?: NodeJS.Timeout;
  #inFlight = 0;
  /** A dispense, or a watch for the notes being taken, is under way: no health check in between. */
  get #busy(): boolean {
    return this.#inFlight > 0 || this.#watchTaken !== undefined;
  }
  #connection?: ModuleConnection;

  constructor(
    spec: SerialSpec,
    cassettes: readonly Cassette[],
    private readonly options: { responseTimeoutMs?: number; healthMs?: number } = {},
  ) {
    this.impl = `serial:${spec.path}@${spec.baudRate}`;
    this.link = new SerialLink(spec);
    if (cassettes.length !== 2) throw new Error('an LCDM-2000 has two cassettes: configure exactly two (upper first)');
    this.#cassettes = { upper: { ...cassettes[0]! }, lower: { ...cassettes[1]! } };
    this.link.on('data', (d) => this.#inbox.push(...this.#parser.push(d)));
  }

  initialState() {
    return { online: false, link: 'down', cassettes: this.#view(), presented: 0 };
  }

  #view() {
    return [this.#cassettes.upper, this.#cassettes.lower].map((c) => ({ ...c }));
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
    // The handshake: a status request (the device is there when it answers one), then a purge, so notes a reset or
    // a crash left in the transport go to the reject box, never to the next customer.
    this.#connection = connectDevice(
      this.link,
      ctx,
      async () => {
        await this.#ask(CMD.status);
        await this.#ask(CMD.purge);
      },
      () => this.#stopped,
    );
    // An idle dispenser is asked its status now and then, so one that died between customers is out of service
    // before the next one authenticates, not when the notes are due.
    this.#health = setInterval(() => {
      if (this.#connection?.online && !this.#busy) void this.#ask(CMD.status).catch(() => undefined);
    }, this.options.healthMs ?? 10_000);
    this.#health.unref();
  }

  /**
   * One command: its ACK within a second, then its response (up to a minute for a dispense), then our ACK. A dispense
   * whose ACK is lost on the wire may be counting all the same: its answer is awaited anyway (notes at the exit
   * belong to this customer, and are debited), and only when none comes is the dispenser taken for gone.
   */
  #ask(cmd: number, params?: Uint8Array): Promise<Buffer> {
    const counting = cmd === CMD.upper || cmd === CMD.lower;
    const gone = (err: Error): never => {
      // The dispenser is gone (power cut, reset): the connection handshakes it back.
      this.#connection?.lost(err.message);
      throw err;
    };
    this.#inFlight += 1;
    return this.#queue
      .run(async () => {
        this.#inbox.clear();
        await this.link.write(command(cmd, params));
        let first: Parsed | undefined = await this.#inbox.next(1000, 'the dispenser did not answer').catch((err: Error) => {
          if (counting) return undefined;
          return gone(err);
        });
        if (first && 'ack' in first) first = undefined;
        else if (first && !('frame' in first && counting)) throw new Error('the dispenser did not acknowledge');
        for (;;) {
          const p = first ?? (await this.#inbox.next(this.options.responseTimeoutMs ?? 70_000, 'the dispenser did not answer').catch(gone));
          first = undefined;
          if ('frame' in p && p.frame.cmd === cmd) {
            await this.link.write(Buffer.from([ACK]));
            return p.frame.data;
          }
          if ('bad' in p) throw new Error(`bad frame from the dispenser: ${p.bad}`);
        }
      })
      .finally(() => (this.#inFlight -= 1));
  }

  async command({ payload }: MessageOf<typeof contract.cmd>) {
    const ctx = this.#ctx!;
    const { ref, amount } = payload;
    // A repeat gets its first answer again, a late command `expired`: neither pays (seen-refs.ts).
    const answer = beginDispense(this.#seen, payload, { emit: (e, p) => ctx.emit(e, p as never), clock: ctx.clock });
    if (!answer) return;
    clearInterval(this.#watchTaken);
    this.#watchTaken = undefined;
    const plan = planNotes(amount, [this.#cassettes.upper, this.#cassettes.lower]);
    if (!plan.ok)
      return answer('failed', {
        ref,
        reason: plan.reason,
        message: plan.reason === 'short' ? 'not enough notes left' : 'amount cannot be made from the notes loaded',
      });
    const shares = [
      { cmd: CMD.upper, cassette: this.#cassettes.upper },
      { cmd: CMD.lower, cassette: this.#cassettes.lower },
    ].map((s) => ({ ...s, n: plan.notes[String(s.cassette.denomination)] ?? 0 }));
    try {
      for (const s of shares.filter((x) => x.n > 0)) {
        const data = await this.#ask(s.cmd, twoDigits(s.n));
        const [picked, exit, rejected] = [
          asciiCount(data.subarray(0, 2)),
          asciiCount(data.subarray(2, 4)),
          asciiCount(data.subarray(6, 8)),
        ];
        const error = data[4];
        // CHK counts every note picked: those out and those rejected. An answer that counts fewer is not to be believed.
        if (
          data.length !== 8 ||
          picked === undefined ||
          exit === undefined ||
          rejected === undefined ||
          error === undefined ||
          picked < exit + rejected
        )
          throw Object.assign(new Error(`malformed dispense answer ${data.toString('hex')}`), { reason: 'jam' });
        // Every picked note left the cassette: to the exit, or to the reject box.
        s.cassette.count = Math.max(0, s.cassette.count - picked);
        if ((error !== ERROR.good && error !== ERROR.normalStop) || exit !== s.n) {
          // An empty cassette is "short"; every other fault (pickup, jams, motor, too many rejects, timeout) stops the
          // notes: "jam".
          const reason = error === ERROR.upperEmpty || error === ERROR.lowerEmpty ? 'short' : 'jam';
          throw Object.assign(new Error(`dispenser error 0x${error.toString(16)} (${exit} of ${s.n} notes out)`), { reason });
        }
      }
    } catch (err) {
      // Nothing half-dispensed may reach the customer: everything in the transport goes to the reject box.
      await this.#ask(CMD.purge).catch(() => undefined);
      ctx.setState({ cassettes: this.#view() });
      return answer('failed', { ref, reason: (err as { reason?: string }).reason ?? 'offline', message: (err as Error).message });
    }
    ctx.setState({ cassettes: this.#view(), presented: amount });
    answer('dispensed', { ref, amount, notes: plan.notes });
    clearInterval(this.#watchTaken); // two dispenses in a row: one watcher, for the last
    this.#watchTaken = setInterval(() => void this.#taken(), 300);
    this.#watchTaken.unref();
  }

  async #taken() {
    const data = await this.#ask(CMD.status).catch(() => undefined);
    if (data && data[2] === 0x30) {
      clearInterval(this.#watchTaken);
      this.#watchTaken = undefined;
      this.#ctx!.setState({ presented: 0 });
      this.#ctx!.emit('taken', {});
    }
  }

  async stop() {
    this.#stopped = true;
    clearInterval(this.#watchTaken);
    clearInterval(this.#health);
    await this.link.close();
  }
}
