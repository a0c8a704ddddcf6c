/**
 * The driver's SMS over the AT layer, one at a time (sends and reads both switch the modem's mode).
 *
 * Reading: AT+CMGR in PDU mode, which is exact whatever the text holds (text mode splits a body at its line
 * breaks and shows a concatenated part in hex), then AT+CMGD so the SIM does not fill up.
 *
 * How the driver sends a text (TS 23.038/23.040; 27.005 §3.5.1): a text that fits one SMS and is plain GSM
 * 7-bit goes out in text mode (with AT+CSCS="GSM" the bytes are the GSM codes; escape 0x1B and 0x1A, which end the
 * input, and CR, which asks for a new line, are kept out); anything else (UCS2, extension characters, longer than
 * one SMS) in PDU mode, split into concatenated parts (UDH IEI 0x00, the reference from a counter), 153/67
 * characters each. The modem is in text mode between sends.
 */
import { alphabetFor, concatIe, dcsFor, encodeSubmit, splitText, toHex, toSeptets, MAX_PARTS } from './pdu/index.ts';
import { SerialQueue } from '../../../core/serial-queue.ts';
import { AtError, AtTimeout, type AtHost } from './host.ts';

/** The text as text-mode bytes in the GSM set, if it can go in text mode: one SMS, basic GSM characters only. */
export function textModeBytes(text: string): string | undefined {
  const septets = toSeptets(text);
  if (!septets || septets.length > 160 || septets.some((s) => s === 0x1b || s === 0x1a || s === 0x0d)) return undefined;
  return String.fromCharCode(...septets);
}

/** The PDUs (hex, TPDU octets) for a text: one, or its concatenated parts. */
export function submitPdus(to: string, text: string, ref: number): { hex: string; octets: number }[] {
  const alphabet = alphabetFor(text);
  const parts = splitText(text, alphabet);
  if (parts.length > MAX_PARTS) throw new Error(`a text of ${parts.length} parts`);
  return parts.map((part, i) => {
    const ies = parts.length > 1 ? [concatIe({ ref, total: parts.length, seq: i + 1 })] : [];
    // fo 0x11: SMS-SUBMIT with a relative validity period, 0xA7 = 24 hours; TP-MR 0: the modem numbers it.
    const { pdu, tpduOctets } = encodeSubmit({ mr: 0, to, pid: 0, dcs: dcsFor(alphabet), vp: { relative: 0xa7 }, text: part, ies });
    return { hex: toHex(pdu), octets: tpduOctets };
  });
}

export class SmsChannel {
  #ref = 0;
  /** One at a time: a PDU-mode send or a read switches the modem's mode. */
  readonly #queue = new SerialQueue();
  constructor(private readonly at: AtHost) {}

  /** Send `text`; resolves with the message reference of each SMS (one per part). All within `timeoutMs` from
   *  now, time in the queue included: a text that waited that long is refused unsent. */
  send(to: string, text: string, timeoutMs: number): Promise<number[]> {
    const deadline = this.at.clock.now() + timeoutMs;
    return this.#queue.run(() => {
      if (this.at.clock.now() >= deadline) throw new AtTimeout('AT+CMGS', 'not sent: it waited too long behind an earlier text');
      return this.#send(to, text, deadline);
    });
  }

  /** Read stored message `index` in PDU mode and delete it: the +CMGR lines. */
  readAndDelete(index: number): Promise<string[]> {
    return this.#queue.run(async () => {
      await this.at.command('AT+CMGF=0');
      try {
        const lines = await this.at.command(`AT+CMGR=${index}`);
        await this.at.command(`AT+CMGD=${index}`).catch((err: AtError) => err);
        return lines;
      } finally {
        await this.at.command('AT+CMGF=1').catch((err: AtError) => err);
      }
    });
  }

  async #send(to: string, text: string, deadline: number): Promise<number[]> {
    const left = () => Math.max(1, deadline - this.at.clock.now());
    const bytes = textModeBytes(text);
    if (bytes !== undefined) return [await this.at.sendSms(to, bytes, left())];
    this.#ref = (this.#ref + 1) % 256;
    const pdus = submitPdus(to, text, this.#ref);
    await this.at.command('AT+CMGF=0');
    try {
      const mrs: number[] = [];
      for (const p of pdus) mrs.push(await this.at.sendPdu(p.hex, p.octets, left()));
      return mrs;
    } finally {
      await this.at.command('AT+CMGF=1').catch((err: AtError) => err);
    }
  }
}
