/** Reads a PDU octet by octet; running off its end is a PduError, never an exception of another kind. */
export class PduError extends Error {}

export class PduReader {
  #at = 0;
  constructor(readonly bytes: Buffer) {}

  get offset(): number {
    return this.#at;
  }

  get left(): number {
    return this.bytes.length - this.#at;
  }

  octet(what: string): number {
    if (this.#at >= this.bytes.length) throw new PduError(`the PDU ends before its ${what}`);
    return this.bytes[this.#at++]!;
  }

  take(n: number, what: string): Buffer {
    if (n > this.left) throw new PduError(`the PDU ends inside its ${what}`);
    const out = this.bytes.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }

  rest(): Buffer {
    return this.take(this.left, 'rest');
  }
}

/** Hex text (either case) to bytes; undefined unless it is whole octets of hex digits. */
export function fromHex(hex: string): Buffer | undefined {
  return /^(?:[0-9a-fA-F]{2})*$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();
