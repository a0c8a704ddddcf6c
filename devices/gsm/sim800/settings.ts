/**
 * The SIM800's settings that commands change, with their defaults (SIM800 Series AT Command Manual V1.09; values
 * per shared/reference/sim800-sms.md §1, §3). `AT&W` saves a user profile, `ATZ` loads it, `AT&F` loads the factory
 * one; a power cycle starts from the user profile. +CSMP and +CSCA are written to NVRAM by the commands themselves
 * and survive ATZ; +CSDH is not saved.
 */
export interface Settings {
  echo: boolean;
  verbose: boolean;
  quiet: boolean;
  cmee: 0 | 1 | 2;
  creg: 0 | 1 | 2;
  textMode: boolean;
  charset: 'GSM' | 'IRA' | 'UCS2';
  csdh: boolean;
  cnmi: [number, number, number, number, number];
  /** Memories for reading/deleting, writing/sending, receiving. */
  cpms: [string, string, string];
}

export interface Nvram {
  csmp: { fo: number; vp: number; pid: number; dcs: number };
  csca: { address: string; type: number };
}

export const factorySettings = (): Settings => ({
  echo: true,
  verbose: true,
  quiet: false,
  cmee: 0,
  creg: 0,
  textMode: false,
  charset: 'IRA',
  csdh: false,
  cnmi: [2, 1, 0, 0, 0],
  cpms: ['SM', 'SM', 'SM'],
});

export const factoryNvram = (csca: string): Nvram => ({
  csmp: { fo: 17, vp: 167, pid: 0, dcs: 0 },
  csca: { address: csca, type: csca.startsWith('+') ? 145 : 129 },
});

export const copySettings = (s: Settings): Settings => ({ ...s, cnmi: [...s.cnmi], cpms: [...s.cpms] });
