/**
 * The dispense commands a dispenser has taken, by ref: a command seen again (a QoS 1 redelivery, a message doubled on
 * the wire) is answered with the first answer, or not at all while the first is under way; it never pays twice.
 * Bounded: the last 64 refs. A command past its deadline (held up on the wire after the ATM gave up) is answered
 * `expired` and pays nothing.
 */
export type DispenseAnswer = { event: 'dispensed' | 'failed'; payload: Record<string, unknown> };

const KEEP = 64;

export class SeenRefs {
  readonly #answers = new Map<string, DispenseAnswer | 'busy'>();

  /** True when `ref` was seen before; its answer, if there is one yet, is given again through `emit`. */
  repeat(ref: string, emit: (answer: DispenseAnswer) => void): boolean {
    const seen = this.#answers.get(ref);
    if (seen === undefined) {
      this.#answers.set(ref, 'busy');
      if (this.#answers.size > KEEP) this.#answers.delete(this.#answers.keys().next().value!);
      return false;
    }
    if (seen !== 'busy') emit(seen);
    return true;
  }

  answered(ref: string, answer: DispenseAnswer): void {
    if (this.#answers.has(ref)) this.#answers.set(ref, answer);
  }
}

type Emit = (event: 'dispensed' | 'failed', payload: Record<string, unknown>) => void;

/**
 * What both dispensers (virtual and LCDM) do first with a dispense command: the answer function for it, or undefined
 * when it is already answered (a repeat, or too late).
 */
export function beginDispense(
  seen: SeenRefs,
  command: { ref: string; deadline?: number | undefined },
  ctx: { emit: Emit; clock: { now(): number } },
): Emit | undefined {
  const { ref, deadline } = command;
  if (seen.repeat(ref, (a) => ctx.emit(a.event, a.payload))) return undefined;
  const answer: Emit = (event, payload) => {
    seen.answered(ref, { event, payload });
    ctx.emit(event, payload);
  };
  if (deadline !== undefined && ctx.clock.now() > deadline) {
    answer('failed', { ref, reason: 'expired', message: 'the ATM gave up on this dispense before it arrived' });
    return undefined;
  }
  return answer;
}
