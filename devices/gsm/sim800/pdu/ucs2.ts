/** UCS2 as SMS carries it (TS 23.038 §6.2.3): big-endian 16-bit units; characters outside the BMP take two
 *  (UTF-16 surrogates, as phones send them). */
export function encodeUcs2(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) out.writeUInt16BE(text.charCodeAt(i), i * 2);
  return out;
}

/** An odd trailing octet is ignored. */
export function decodeUcs2(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
  return out;
}
