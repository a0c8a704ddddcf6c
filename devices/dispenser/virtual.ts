/** Virtual cash dispenser: cassettes of notes, counts an exact amount out after a counting time, or faults. */
import { beginDispense, SeenRefs } from './seen-refs.ts';
import type { Device, DeviceContext } from '../device.ts';
import { planNotes, type CassetteLoad } from './note-plan.ts';
import type { MessageOf } from '../module.ts';
import type { contract } from './contract.ts';

/** Rejected notes a dispenser replaces before it gives up ("too many rejects"). */
export const MAX_REJECTS = 3;

export interface DispenserOptions {
  cassettes: CassetteLoad[];
  /** Time to pick and count the notes. */
  dispenseMs: number;
}

export class VirtualCashDispenser implements Device {
  readonly kind = 'dispenser' as const;
  readonly impl = 'virtual';
  readonly #seen = new SeenRefs();
  #ctx?: DeviceContext;
  #cassettes: CassetteLoad[];
  #jammed = false;
  #hung = false;
  #rejects = 0;
  #miscount = 0;
  #rejected = 0;
  #presented = 0;

  constructor(private readonly options: DispenserOptions) {
    this.#cassettes = options.cassettes.map((c) => ({ ...c }));
  }

  initialState() {
    return this.#view();
  }

  #view() {
    return {
      cassettes: this.#cassettes.map((c) => ({ ...c })),
      jammed: this.#jammed,
      hung: this.#hung,
      presented: this.#presented,
      rejected: this.#rejected,
    };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
  }

  command({ payload }: MessageOf<typeof contract.cmd>) {
    const ctx = this.#ctx!;
    const { ref, amount } = payload;
    // A repeat gets its first answer again, a late command `expired`: neither pays (seen-refs.ts).
    const answer = beginDispense(this.#seen, payload, { emit: (e, p) => ctx.emit(e, p as never), clock: ctx.clock });
    if (!answer) return;
    if (this.#hung) return;
    if (this.#jammed) return answer('failed', { ref, reason: 'jam', message: 'note jam in the transport' });
    if (this.#rejects > MAX_REJECTS) {
      this.#rejected += this.#rejects;
      ctx.setState(this.#view());
      return answer('failed', { ref, reason: 'jam', message: `too many rejected notes (${this.#rejects})` });
    }
    const plan = planNotes(amount, this.#cassettes);
    if (!plan.ok) {
      return answer('failed', {
        ref,
        reason: plan.reason,
        message: plan.reason === 'short' ? 'not enough notes left' : 'amount cannot be made from the notes loaded',
      });
    }
    ctx.clock.setTimeout(() => {
      // A jam can strike while counting, too.
      if (this.#jammed) return answer('failed', { ref, reason: 'jam', message: 'note jam in the transport' });
      for (const [denomination, n] of Object.entries(plan.notes)) {
        this.#cassettes.find((c) => c.denomination === Number(denomination))!.count -= n;
      }
      // Rejected notes go to the reject box and are replaced from the cassette (taken from the largest one here).
      if (this.#rejects > 0) {
        const c = [...this.#cassettes].sort((a, b) => b.count - a.count)[0]!;
        c.count = Math.max(0, c.count - this.#rejects);
        this.#rejected += this.#rejects;
      }
      this.#presented += amount;
      ctx.setState(this.#view());
      answer('dispensed', this.#miscount > 0 ? miscounted(ref, plan.notes, this.#miscount) : { ref, amount, notes: plan.notes });
    }, this.options.dispenseMs);
  }

  sim(message: MessageOf<typeof contract.sim>) {
    const ctx = this.#ctx!;
    if (message.name === 'jam') this.#jammed = message.payload.on;
    else if (message.name === 'hang') this.#hung = message.payload.on;
    else if (message.name === 'rejects') this.#rejects = message.payload.notes;
    else if (message.name === 'miscount') this.#miscount = message.payload.notes;
    else if (message.name === 'refill') this.#cassettes = message.payload.cassettes.map((c) => ({ ...c }));
    else if (message.name === 'take') {
      if (this.#presented === 0) return ctx.error('nothing-presented', 'there are no notes to take');
      this.#presented = 0;
      ctx.emit('taken', {});
    }
    ctx.setState(this.#view());
  }
}

/** What a miscounting dispenser reports: `fewer` notes short, taken from the largest denomination first. */
function miscounted(ref: string, notes: Record<string, number>, fewer: number) {
  const counted = { ...notes };
  let left = fewer;
  for (const d of Object.keys(counted).sort((a, b) => Number(b) - Number(a))) {
    const cut = Math.min(left, counted[d]!);
    counted[d]! -= cut;
    left -= cut;
    if (counted[d] === 0) delete counted[d];
  }
  const amount = Object.entries(counted).reduce((sum, [d, n]) => sum + Number(d) * n, 0);
  // The contract wants a positive amount: a dispenser that counted nothing still claims one note.
  return { ref, amount: Math.max(amount, 1), notes: counted };
}
