/**
 * The dispense commands a dispenser has taken, by ref: a command seen again (a QoS 1 redelivery, a message doubled on
 * the wire) is answered with the first answer, or not at all while the first is under way; it never pays twice.
 * Bounded: the last 64 refs.
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
