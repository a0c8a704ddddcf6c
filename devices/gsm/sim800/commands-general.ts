/**
 * V.250 basic commands, identification, SIM and network status as the SIM800 answers them (SIM800 Series AT
 * Command Manual V1.09 §2, §3; exact answers in shared/reference/sim800-sms.md §1-3).
 */
import { int, splitArgs } from './command-line.ts';
import { OK, type Handler, type Modem, type Outcome } from './context.ts';
import { cme, ERROR } from './results.ts';
import { copySettings, factorySettings } from './settings.ts';

const bad: Outcome = { fail: cme(765) }; // invalid input value
const lines = (...l: string[]): Outcome => ({ lines: l });

/** A basic flag command: `E0`/`E1`, `V0`/`V1`, `Q0`/`Q1`. */
const flag =
  (key: 'echo' | 'verbose' | 'quiet'): Handler =>
  (m, c) => {
    const v = int(c.args, 0, 1, 0);
    if (v === undefined || c.op !== 'exec')
      return c.op === 'read' && key === 'verbose' ? lines(`V: ${m.settings.verbose ? 1 : 0}`) : { fail: ERROR };
    m.settings[key] = v === 1;
    return OK;
  };

const exec =
  (answer: (m: Modem) => string[]): Handler =>
  (m, c) =>
    c.op === 'exec' || c.op === 'test' ? (c.op === 'test' ? OK : lines(...answer(m))) : { fail: ERROR };

/** Settings accepted for host compatibility, with no effect in the emulator (`AT+CLTS=1`, `AT+CVHU=0`, ...). */
const accepted =
  (max: number, name: string): Handler =>
  (_m, c) => {
    if (c.op === 'test') return lines(`${name}: (0-${max})`);
    if (c.op === 'read') return lines(`${name}: 0`);
    return c.op === 'set' && int(splitArgs(c.args)[0], 0, max) !== undefined ? OK : bad;
  };

export const generalCommands: Readonly<Record<string, Handler>> = {
  E: flag('echo'),
  V: flag('verbose'),
  Q: flag('quiet'),
  X: (_m, c) => (int(c.args, 0, 4, 0) !== undefined ? OK : { fail: ERROR }),
  Z: (m, c) => {
    if (int(c.args, 0, 0, 0) === undefined) return { fail: ERROR };
    m.settings = copySettings(m.saved);
    return OK;
  },
  '&F': (m, c) => {
    if (int(c.args, 0, 0, 0) === undefined) return { fail: ERROR };
    m.settings = factorySettings();
    return OK;
  },
  '&W': (m, c) => {
    if (int(c.args, 0, 0, 0) === undefined) return { fail: ERROR };
    m.saved = copySettings(m.settings);
    return OK;
  },
  I: (m, c) => (int(c.args, 0, 0, 0) === undefined ? { fail: ERROR } : lines(m.identity.product)),
  S0: (_m, c) => (c.op === 'read' ? lines('000') : c.op === 'set' && int(c.args, 0, 255) !== undefined ? OK : { fail: ERROR }),
  S3: (_m, c) => (c.op === 'read' ? lines('013') : c.op === 'set' && c.args === '13' ? OK : { fail: ERROR }),
  S4: (_m, c) => (c.op === 'read' ? lines('010') : c.op === 'set' && c.args === '10' ? OK : { fail: ERROR }),
  S5: (_m, c) => (c.op === 'read' ? lines('008') : c.op === 'set' && c.args === '8' ? OK : { fail: ERROR }),
  '+GMI': exec((m) => [m.identity.manufacturer]),
  '+CGMI': exec((m) => [m.identity.manufacturer]),
  '+GMM': exec((m) => [m.identity.model]),
  '+CGMM': exec((m) => [m.identity.model]),
  '+GMR': exec((m) => [`Revision:${m.identity.revision}`]),
  '+CGMR': exec((m) => [`Revision:${m.identity.revision}`]),
  '+GSN': exec((m) => [m.identity.imei]),
  '+CGSN': exec((m) => [m.identity.imei]),
  '+GSV': exec((m) => [m.identity.manufacturer, m.identity.model, `Revision:${m.identity.revision}`]),
  '+CIMI': exec((m) => [m.identity.imsi]),
  '+CCID': exec((m) => [m.identity.iccid]),
  '+CPIN': (m, c) => {
    if (c.op === 'read') return lines(`+CPIN: ${m.cfun === 0 ? 'NOT READY' : 'READY'}`);
    if (c.op === 'test') return OK;
    return c.op === 'set' ? { fail: cme(3) } : { fail: ERROR }; // no PIN is asked for: entering one is not allowed
  },
  '+CFUN': (m, c) => {
    if (c.op === 'read') return lines(`+CFUN: ${m.cfun}`);
    if (c.op === 'test') return lines('+CFUN: (0,1,4),(0,1)');
    const [fun, rst] = splitArgs(c.args);
    const f = int(fun, 0, 4);
    const r = int(rst, 0, 1, 0);
    if (c.op !== 'set' || f === undefined || f === 2 || f === 3 || r === undefined) return bad;
    if (r === 1) return { after: () => m.restart() };
    m.cfun = f;
    return OK;
  },
  '+CMEE': (m, c) => {
    if (c.op === 'read') return lines(`+CMEE: ${m.settings.cmee}`);
    if (c.op === 'test') return lines('+CMEE: (0-2)');
    const v = int(c.op === 'exec' ? '0' : c.args, 0, 2);
    if (v === undefined) return bad;
    m.settings.cmee = v as 0 | 1 | 2;
    return OK;
  },
  '+CSQ': (m, c) =>
    c.op === 'test'
      ? lines('+CSQ: (0-31,99),(0-7,99)')
      : c.op === 'exec'
        ? lines(`+CSQ: ${m.signal.rssi},${m.signal.ber}`)
        : { fail: ERROR },
  '+CREG': (m, c) => {
    if (c.op === 'test') return lines('+CREG: (0-2)');
    if (c.op === 'read')
      return lines(`+CREG: ${m.settings.creg},${cregStat(m)}${m.settings.creg === 2 && m.registered ? cellInfo(m) : ''}`);
    const v = int(c.op === 'exec' ? '0' : c.args, 0, 2);
    if (v === undefined) return bad;
    m.settings.creg = v as 0 | 1 | 2;
    return OK;
  },
  '+COPS': (m, c) => {
    if (c.op === 'read') return lines(m.registered ? `+COPS: 0,0,"${m.identity.operator}"` : '+COPS: 0');
    if (c.op === 'test')
      return lines(`+COPS: (2,"${m.identity.operator}","${m.identity.operator}","${m.identity.imsi.slice(0, 5)}"),,(0-4),(0-2)`);
    const [mode, format] = splitArgs(c.args);
    return c.op === 'set' && int(mode, 0, 4) !== undefined && int(format, 0, 2, 0) !== undefined ? OK : bad;
  },
  '+CNUM': exec((m) => [`+CNUM: "","${m.identity.msisdn}",${m.identity.msisdn.startsWith('+') ? 145 : 129}`]),
  '+CCALR': (m, c) => (c.op === 'read' ? lines(`+CCALR: ${m.registered ? 1 : 0}`) : { fail: ERROR }),
  '+IPR': (_m, c) => (c.op === 'read' ? lines('+IPR: 0') : c.op === 'set' && /^\d+$/.test(c.args) ? OK : { fail: ERROR }),
  '+CLTS': accepted(1, '+CLTS'),
  '+CBATCHK': accepted(1, '+CBATCHK'),
  '+CRC': accepted(1, '+CRC'),
  '+CLIP': accepted(1, '+CLIP'),
  '+CVHU': accepted(1, '+CVHU'),
  '+CIURC': accepted(1, '+CIURC'),
};

/** <stat> of +CREG: 1 registered at home, 0 not registered and not searching. */
export const cregStat = (m: Modem): number => (m.registered ? 1 : 0);
export const cellInfo = (m: Modem): string => `,"${m.identity.lac}","${m.identity.ci}"`;
