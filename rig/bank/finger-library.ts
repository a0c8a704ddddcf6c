/**
 * The bank's 1:N index (finger-index.ts) over its store: loaded a chunk of fingers at a time, and kept up to date
 * as fingers are enrolled. A bank that serves ATMs starts loading it when it opens (`prepare`: a chunk per turn of
 * the event loop, so the bank answers meanwhile); the first identification finishes whatever is left. A bank that
 * never identifies anyone by finger (seeding, exports) never loads it.
 */
import { FingerIndex } from './finger-index.ts';
import type { BankReader } from './records.ts';

export class FingerLibrary {
  #index?: FingerIndex;
  #loadedUpTo = 0;
  #complete = false;

  constructor(
    private readonly records: BankReader,
    private readonly chunk = 20_000,
  ) {}

  /** Load the whole index in the background; resolves when it is ready. */
  async prepare(): Promise<void> {
    while (!this.#complete) {
      this.#loadChunk();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The index, finished now if loading has not. */
  index(): FingerIndex {
    while (!this.#complete) this.#loadChunk();
    return this.#index!;
  }

  /** A finger enrolled (or re-enrolled): into the index, if it is in use. */
  add(customerId: string, finger: number, template: string): void {
    this.#index?.add(customerId, finger, template);
  }

  #loadChunk(): void {
    this.#index ??= new FingerIndex();
    const chunk = this.records.fingerTemplates(this.#loadedUpTo, this.chunk);
    // A finger enrolled while loading is in the index already; loading it again replaces it with the same template.
    for (const f of chunk) this.#index.load(f);
    this.#loadedUpTo = chunk.at(-1)?.position ?? this.#loadedUpTo;
    if (chunk.length < this.chunk) {
      this.#index.finish();
      this.#complete = true;
    }
  }
}
