/**
 * SMS storage (27.005 §3.1): numbered slots from 1 holding PDUs with a status, 0 REC UNREAD, 1 REC READ,
 * 2 STO UNSENT, 3 STO SENT ("ALL" / 4 lists them all). The emulator's memories "SM", "ME", "SM_P", "ME_P", "MT"
 * all name this one store, of 30 slots like a SIM800L's SIM (`+CPMS: "SM_P",0,30,...`).
 */
export const STAT_TEXT = ['REC UNREAD', 'REC READ', 'STO UNSENT', 'STO SENT'] as const;
export const MEMORIES = ['SM', 'ME', 'SM_P', 'ME_P', 'MT'] as const;

export interface Stored {
  stat: 0 | 1 | 2 | 3;
  /** The PDU as PDU mode shows it: SMSC part and TPDU. */
  pdu: Buffer;
  tpduOctets: number;
}

export class SmsStore {
  readonly #slots: (Stored | undefined)[];
  constructor(readonly capacity = 30) {
    this.#slots = new Array<Stored | undefined>(capacity).fill(undefined);
  }

  get used(): number {
    return this.#slots.filter(Boolean).length;
  }

  /** The index it went to, or undefined when the memory is full. */
  add(message: Stored): number | undefined {
    const i = this.#slots.findIndex((s) => !s);
    if (i < 0) return undefined;
    this.#slots[i] = message;
    return i + 1;
  }

  get(index: number): Stored | undefined {
    return this.#slots[index - 1];
  }

  /** Messages with `stat` (4: all), by index. */
  list(stat: number): [number, Stored][] {
    return this.#slots.flatMap((s, i) => (s && (stat === 4 || s.stat === stat) ? [[i + 1, s] as [number, Stored]] : []));
  }

  /** AT+CMGD flags: 0 this index; 1 all read; 2 read and sent; 3 read, sent and unsent; 4 all. */
  delete(index: number, flag: number): void {
    if (flag === 0) this.#slots[index - 1] = undefined;
    const stats = [[], [1], [1, 3], [1, 2, 3], [0, 1, 2, 3]][flag] ?? [];
    if (flag > 0) this.#slots.forEach((s, i) => s && stats.includes(s.stat) && (this.#slots[i] = undefined));
  }

  indexes(): number[] {
    return this.list(4).map(([i]) => i);
  }
}
