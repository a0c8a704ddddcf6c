/**
 * The SMS commands of 27.005 as the SIM800 answers them (SIM800 Series AT Command Manual V1.09 §4.2; exact forms in
 * shared/reference/sim800-sms.md §3-4): format, character set, parameters, storage, list/read/delete, send.
 * Errors are `+CMS ERROR: <n>`; before "SMS Ready" every SMS command answers ERROR.
 */
import { int, quoted, splitArgs } from './command-line.ts';
import { OK, type Handler, type Modem, type Outcome } from './context.ts';
import { cms, CMS, ERROR, type Failure } from './results.ts';
import { cmglPdu, cmglText, cmgrPdu, cmgrText, decodeStored, fromTe } from './sms-text.ts';
import { MEMORIES, STAT_TEXT } from './store.ts';

const lines = (...l: string[]): Outcome => ({ lines: l });
const fail = (f: Failure): Outcome => ({ fail: f });
/** A bad parameter: 304 in PDU mode, 305 in text mode (27.005 §3.2.5). */
const badParameter = (m: Modem) => fail(cms(m.settings.textMode ? CMS.textParameter : CMS.pduParameter));

function cpmsCounts(m: Modem): string {
  return [0, 1, 2].map(() => `${m.store.used},${m.store.capacity}`).join(',');
}

/** <stat> of +CMGL: a quoted name in text mode, a number in PDU mode; undefined if wrong for the mode. */
function listStat(m: Modem, arg: string | undefined): number | undefined {
  if (arg === undefined || arg === '') return 0; // REC UNREAD
  if (m.settings.textMode) {
    const name = quoted(arg);
    if (name === 'ALL') return 4;
    const stat = (STAT_TEXT as readonly string[]).indexOf(name ?? '');
    return stat >= 0 ? stat : undefined;
  }
  return int(arg, 0, 4);
}

/** Reading turns REC UNREAD into REC READ, unless <mode> is 1. */
function markRead(m: Modem, index: number, mode: number) {
  const s = m.store.get(index);
  if (s && s.stat === 0 && mode === 0) s.stat = 1;
}

const sms: Record<string, Handler> = {
  '+CMGF': (m, c) => {
    if (c.op === 'read') return lines(`+CMGF: ${m.settings.textMode ? 1 : 0}`);
    if (c.op === 'test') return lines('+CMGF: (0,1)');
    const v = int(c.op === 'exec' ? '0' : c.args, 0, 1);
    if (v === undefined) return fail(ERROR);
    m.settings.textMode = v === 1;
    return OK;
  },
  '+CSCS': (m, c) => {
    if (c.op === 'read') return lines(`+CSCS: "${m.settings.charset}"`);
    if (c.op === 'test') return lines('+CSCS: ("IRA","GSM","UCS2")');
    const v = quoted(c.args);
    if (v !== 'IRA' && v !== 'GSM' && v !== 'UCS2') return fail(ERROR);
    m.settings.charset = v;
    return OK;
  },
  '+CSMP': (m, c) => {
    const p = m.nvram.csmp;
    if (c.op === 'read') return lines(`+CSMP: ${p.fo},${p.vp},${p.pid},${p.dcs}`);
    if (c.op === 'test') return OK;
    const [fo, vp, pid, dcs] = splitArgs(c.args).map((a, i) => int(a, 0, 255, [p.fo, p.vp, p.pid, p.dcs][i]));
    if ([fo, vp, pid, dcs].some((x) => x === undefined) || ((fo ?? p.fo) & 3) !== 1) return badParameter(m);
    m.nvram.csmp = { fo: fo ?? p.fo, vp: vp ?? p.vp, pid: pid ?? p.pid, dcs: dcs ?? p.dcs };
    return OK;
  },
  '+CSDH': (m, c) => {
    if (c.op === 'read') return lines(`+CSDH: ${m.settings.csdh ? 1 : 0}`);
    if (c.op === 'test') return lines('+CSDH: (0,1)');
    const v = int(c.op === 'exec' ? '0' : c.args, 0, 1);
    if (v === undefined) return fail(ERROR);
    m.settings.csdh = v === 1;
    return OK;
  },
  '+CSCA': (m, c) => {
    if (c.op === 'read') return lines(`+CSCA: "${m.nvram.csca.address}",${m.nvram.csca.type}`);
    if (c.op === 'test') return OK;
    const [a, t] = splitArgs(c.args);
    const address = quoted(a);
    const type = int(t, 129, 161, address?.startsWith('+') ? 145 : 129);
    if (address === undefined || !/^\+?[0-9*#]{0,20}$/.test(address) || type === undefined) return badParameter(m);
    m.nvram.csca = { address, type };
    return OK;
  },
  '+CNMI': (m, c) => {
    if (c.op === 'read') return lines(`+CNMI: ${m.settings.cnmi.join(',')}`);
    if (c.op === 'test') return lines('+CNMI: (0-3),(0-3),(0,2),(0,1),(0,1)');
    const a = splitArgs(c.args);
    const v = [int(a[0], 0, 3, 0), int(a[1], 0, 3, 0), int(a[2], 0, 2, 0), int(a[3], 0, 1, 0), int(a[4], 0, 1, 0)];
    if (c.op !== 'set' || a.length > 5 || v.some((x) => x === undefined) || v[2] === 1) return badParameter(m);
    m.settings.cnmi = v as [number, number, number, number, number];
    return OK;
  },
  '+CPMS': (m, c) => {
    if (c.op === 'read') return lines(`+CPMS: ${m.settings.cpms.map((mem) => `"${mem}",${m.store.used},${m.store.capacity}`).join(',')}`);
    const list = `(${MEMORIES.map((x) => `"${x}"`).join(',')})`;
    if (c.op === 'test') return lines(`+CPMS: ${list},${list},${list}`);
    const mems = splitArgs(c.args).map(quoted);
    if (
      c.op !== 'set' ||
      mems.length < 1 ||
      mems.length > 3 ||
      mems.some((x) => !(MEMORIES as readonly (string | undefined)[]).includes(x))
    )
      return fail(cms(CMS.notAllowed));
    mems.forEach((mem, i) => (m.settings.cpms[i] = mem!));
    return lines(`+CPMS: ${cpmsCounts(m)}`);
  },
  '+CMGL': (m, c) => {
    if (c.op === 'test')
      return lines(m.settings.textMode ? '+CMGL: ("REC UNREAD","REC READ","STO UNSENT","STO SENT","ALL")' : '+CMGL: (0-4)');
    if (c.op === 'read') return fail(ERROR);
    const [s, md] = splitArgs(c.args);
    const stat = listStat(m, s);
    const mode = int(md, 0, 1, 0);
    if (stat === undefined || mode === undefined) return badParameter(m);
    const out = m.store.list(stat).flatMap(([i, stored]) => {
      const entry = m.settings.textMode ? cmglText(i, stored, decodeStored(stored), m.settings) : cmglPdu(i, stored);
      markRead(m, i, mode);
      return entry;
    });
    return { lines: out };
  },
  '+CMGR': (m, c) => {
    if (c.op === 'test') return OK;
    const [i, md] = splitArgs(c.args);
    const index = int(i, 1, m.store.capacity);
    const mode = int(md, 0, 1, 0);
    if (c.op !== 'set' || mode === undefined) return badParameter(m);
    const stored = index === undefined ? undefined : m.store.get(index);
    if (!stored || index === undefined) return fail(cms(CMS.invalidIndex));
    const out = m.settings.textMode ? cmgrText(stored, decodeStored(stored), m.settings) : cmgrPdu(stored);
    markRead(m, index, mode);
    return { lines: out };
  },
  '+CMGD': (m, c) => {
    if (c.op === 'test') return lines(`+CMGD: (${m.store.indexes().join(',')}),(0-4)`);
    const [i, f] = splitArgs(c.args);
    const flag = int(f, 0, 4, 0);
    const index = int(i, flag === 0 ? 1 : 0, m.store.capacity);
    if (c.op !== 'set' || flag === undefined) return badParameter(m);
    if (index === undefined) return fail(cms(CMS.invalidIndex));
    m.store.delete(index, flag);
    return OK;
  },
  '+CMGDA': (m, c) => {
    if (c.op === 'test') return OK;
    const names = ['DEL READ', 'DEL UNREAD', 'DEL SENT', 'DEL UNSENT', 'DEL INBOX', 'DEL ALL'];
    const which = m.settings.textMode ? names.indexOf(quoted(c.args) ?? '') + 1 : (int(c.args, 1, 6) ?? 0);
    if (c.op !== 'set' || which === 0) return badParameter(m);
    const stats = [[1], [0], [3], [2], [0, 1], [0, 1, 2, 3]][which - 1]!;
    for (const [index, s] of m.store.list(4)) if (stats.includes(s.stat)) m.store.delete(index, 0);
    return OK;
  },
  '+CMGS': (m, c) => {
    if (c.op === 'test') return OK;
    if (c.op !== 'set') return badParameter(m);
    if (!m.settings.textMode) {
      const length = int(c.args, 7, 164);
      return length === undefined ? badParameter(m) : { input: { mode: 'pdu', length } };
    }
    const [a, t] = splitArgs(c.args);
    const raw = quoted(a);
    const to = raw === undefined ? undefined : fromTe(raw, m.settings.charset);
    if (!to || !/^\+?[0-9*#]{1,20}$/.test(to)) return badParameter(m);
    const toType = int(t, 129, 255, to.startsWith('+') ? 145 : 129);
    return toType === undefined ? badParameter(m) : { input: { mode: 'text', to, toType } };
  },
};

/** The SMS commands, each answering ERROR until the module is "SMS Ready". */
export const smsCommands: Readonly<Record<string, Handler>> = Object.fromEntries(
  Object.entries(sms).map(([name, h]) => [name, (m: Modem, c: Parameters<Handler>[1]) => (m.smsReady ? h(m, c) : fail(ERROR))]),
);
