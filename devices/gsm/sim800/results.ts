/**
 * How the SIM800 frames what it says (SIM800 Series AT Command Manual V1.09 §2.2.25, §19; shared/reference/
 * sim800-sms.md §1): with ATV1 information text is `\r\n<text>\r\n` and the result `\r\nOK\r\n`; with ATV0 text is
 * `<text>\r\n` and the result a digit and CR; ATQ1 drops result codes. `+CME ERROR` follows AT+CMEE (0: plain
 * ERROR, 1: the number, 2: the text); `+CMS ERROR: <n>` (27.005) is always numeric here.
 */
import type { Settings } from './settings.ts';

export type Failure = { error: 'plain' } | { error: 'cme'; code: number } | { error: 'cms'; code: number };

export const ERROR: Failure = { error: 'plain' };
export const cme = (code: number): Failure => ({ error: 'cme', code });
export const cms = (code: number): Failure => ({ error: 'cms', code });

/** CME error texts (SIM800 manual §19.1) for the codes the emulator gives. */
export const CME_TEXT: Readonly<Record<number, string>> = {
  3: 'operation not allowed',
  4: 'operation not supported',
  10: 'SIM not inserted',
  16: 'incorrect password',
  21: 'invalid index',
  30: 'no network service',
  100: 'unknown',
  765: 'invalid input value',
};

/** CMS error numbers the emulator gives (27.005 §3.2.5; SIM800 manual §19.2). */
export const CMS = {
  notAllowed: 302,
  pduParameter: 304,
  textParameter: 305,
  invalidIndex: 321,
  memoryFull: 322,
  noNetwork: 331,
  tooLong: 513,
  unknown: 500,
} as const;

export function failureLine(f: Failure, s: Settings): string {
  if (f.error === 'cms') return `+CMS ERROR: ${f.code}`;
  if (f.error === 'plain' || s.cmee === 0) return 'ERROR';
  return `+CME ERROR: ${s.cmee === 2 ? (CME_TEXT[f.code] ?? String(f.code)) : f.code}`;
}

/** Information text lines of one command's answer. */
export function info(lines: readonly string[], s: Settings): string {
  if (lines.length === 0) return '';
  return s.verbose ? `\r\n${lines.join('\r\n')}\r\n` : lines.map((l) => `${l}\r\n`).join('');
}

/** The final result: OK or a failure. */
export function final(f: Failure | 'OK', s: Settings): string {
  if (f === 'OK') return s.quiet ? '' : s.verbose ? '\r\nOK\r\n' : '0\r';
  const line = failureLine(f, s);
  if (s.quiet) return '';
  if (!s.verbose && line === 'ERROR') return '4\r';
  return s.verbose ? `\r\n${line}\r\n` : `${line}\r\n`;
}

/** An unsolicited result code (one or more lines, e.g. +CMT and its body). */
export function urc(lines: readonly string[], s: Settings): string {
  return s.verbose ? `\r\n${lines.join('\r\n')}\r\n` : lines.map((l) => `${l}\r\n`).join('');
}
