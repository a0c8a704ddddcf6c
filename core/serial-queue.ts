/**
 * One thing at a time: a command on a serial line waits for the one before it to be answered, a bank write for
 * the one before it to be on disk. A task that fails does not stop the queue; its caller gets the error.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const next = this.#tail.then(task);
    this.#tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves once everything queued so far has finished. */
  async idle(): Promise<void> {
    await this.#tail;
  }
}
