/**
 * The network behind the emulated SIM800. Outgoing: an SMS-SUBMIT the modem accepted gets a message reference
 * (+CMGS: <mr>, 0-255 then round again) and, concatenated parts put back together as the phone would, reaches
 * `deliver` after the delivery delay on the rig clock; the faults apply. Incoming: a text for the modem becomes
 * SMS-DELIVER PDUs (split and concatenated if long), stored and announced with +CMTI, or shown with +CMT, per
 * +CNMI <mt> (27.005 §3.4.1).
 */
import type { RigClock } from '../../../core/clock.ts';
import type { GsmFault } from '../fault.ts';
import type { Modem } from './context.ts';
import { alphabetFor, concatIe, concatOf, dcsFor, encodeDeliver, Reassembler, splitText, type DecodedSubmit } from './pdu/index.ts';
import { cms, CMS, type Failure } from './results.ts';
import { cmtPdu, cmtText, decodeStored } from './sms-text.ts';

interface NetworkModem extends Modem {
  fault: GsmFault;
  urc(...lines: string[]): void;
}

export class Sim800Network {
  #mr = 0;
  #ref = 0;
  readonly #parts = new Reassembler();
  /** Incoming SMS lost because the memory was full. */
  lost = 0;

  constructor(
    private readonly modem: NetworkModem,
    private readonly options: { clock: RigClock; deliveryDelayMs: number; deliver: (to: string, text: string) => void; tz?: number },
  ) {}

  get nextMr(): number {
    return (this.#mr + 1) % 256;
  }

  /** The message reference, 'hang' for no answer at all, or the failure. */
  submit(s: DecodedSubmit): number | 'hang' | Failure {
    const { fault } = this.modem;
    if (!this.modem.registered) return cms(CMS.noNetwork);
    if (fault.mode === 'error') return cms(fault.cmsError);
    if (fault.mode === 'hang') return 'hang';
    this.#mr = this.nextMr;
    // The network has the message from the moment the modem accepts it: start its delivery before answering, so
    // whoever reads the answer and moves the clock on cannot get ahead of it.
    const whole = this.#parts.add(s.to, s.text, concatOf(s.ies));
    if (whole !== undefined && fault.mode !== 'drop') {
      const delay = this.options.deliveryDelayMs + (fault.mode === 'delay' ? fault.ms : 0);
      this.options.clock.setTimeout(() => this.options.deliver(s.to, whole), delay);
    }
    return this.#mr;
  }

  receive(from: string, text: string): void {
    const m = this.modem;
    const alphabet = alphabetFor(text);
    const parts = splitText(text, alphabet);
    const ref = (this.#ref = (this.#ref + 1) % 256);
    parts.forEach((part, i) => {
      const ies = parts.length > 1 ? [concatIe({ ref, total: parts.length, seq: i + 1 })] : [];
      const scts = { ms: this.options.clock.now() - (this.options.clock.now() % 1000), tz: this.options.tz ?? 8 };
      const dcs = dcsFor(alphabet);
      const { pdu, tpduOctets } = encodeDeliver({
        smsc: m.nvram.csca.address,
        from,
        pid: 0,
        dcs,
        scts,
        text: part,
        ies,
        moreMessages: i < parts.length - 1,
      });
      const stored = { stat: 0 as const, pdu, tpduOctets };
      const [mode, mt] = m.settings.cnmi;
      if (mt === 2) {
        if (mode > 0) m.urc(...(m.settings.textMode ? cmtText(decodeStored(stored), m.settings) : cmtPdu(stored)));
        return;
      }
      const index = m.store.add(stored);
      if (index === undefined) this.lost++;
      else if (mode > 0 && mt > 0) m.urc(`+CMTI: "${m.settings.cpms[2]}",${index}`);
    });
  }
}
