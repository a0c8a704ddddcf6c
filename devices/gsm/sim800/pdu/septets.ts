/**
 * GSM 7-bit packing (3GPP TS 23.038 §6.1.2.1.1): septet i occupies bits 7i..7i+6 of a little-endian bit stream.
 * After a user data header the first septet starts on a septet boundary counted from the start of the user data,
 * so `fillBits` zero bits come first (TS 23.040 §9.2.3.24).
 */
export function packSeptets(septets: readonly number[], fillBits = 0): Buffer {
  const bits = fillBits + septets.length * 7;
  const out = Buffer.alloc(Math.ceil(bits / 8));
  septets.forEach((s, i) => {
    const at = fillBits + i * 7;
    const byte = at >> 3;
    const shift = at & 7;
    out[byte]! |= (s << shift) & 0xff;
    if (shift > 1) out[byte + 1]! |= (s & 0x7f) >> (8 - shift);
  });
  return out;
}

/** `count` septets from `bytes`, after `fillBits`; septets past the end of `bytes` are left out. */
export function unpackSeptets(bytes: Uint8Array, count: number, fillBits = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = fillBits + i * 7;
    const byte = at >> 3;
    const shift = at & 7;
    if (byte >= bytes.length) break;
    let s = bytes[byte]! >> shift;
    if (shift > 1) {
      if (byte + 1 >= bytes.length) break; // a short PDU: the septet's high bits are missing
      s |= bytes[byte + 1]! << (8 - shift);
    }
    out.push(s & 0x7f);
  }
  return out;
}

/** Fill bits after a user data header of `udhOctets` octets (UDHL included). */
export const fillBitsAfter = (udhOctets: number): number => (7 - ((udhOctets * 8) % 7)) % 7;

/** Septets a header of `udhOctets` octets takes in TP-UDL. */
export const headerSeptets = (udhOctets: number): number => Math.ceil((udhOctets * 8) / 7);
