/**
 * AT traffic named for the serial trace, a line at a time. An SMS body is an OTP as often as not: the text (or PDU)
 * after AT+CMGS, and the line after a +CMGR / +CMGL / +CMT header, show only their length. Numbers are masked but
 * for their last four digits.
 */
import { maskNumbers, type WireDecoder, type WireFrame } from '../../serial/trace.ts';

const MAX_LINE = 600;

export function atDecoder(): WireDecoder {
  let hostLine = '';
  let modemLine = '';
  /** The host is typing an SMS body (after AT+CMGS), until Ctrl-Z or ESC. */
  let body: string | undefined;
  /** The modem's next line is an SMS body (after a +CMGR/+CMGL/+CMT header). */
  let bodyNext = false;
  /** From AT+CMGS until its result, the modem's lines may echo the body (echo on, before ATE0). */
  let echoing = false;
  const named = (line: string): WireFrame => {
    if (echoing && !/^(\+CMGS:|OK$|ERROR$|\+CMS ERROR:)/.test(line)) return { text: `AT < (echo, ${line.length} characters, masked)` };
    if (echoing) echoing = false;
    if (bodyNext) {
      bodyNext = false;
      return { text: `AT < (SMS body, ${line.length} characters, masked)` };
    }
    if (/^\+(CMGR|CMGL|CMT):/.test(line)) bodyNext = true;
    return { text: `AT < ${maskNumbers(line)}` };
  };
  return (direction, bytes) => {
    const out: WireFrame[] = [];
    for (const ch of bytes.toString('latin1')) {
      if (direction === '>') {
        if (body !== undefined) {
          if (ch === '\x1a' || ch === '\x1b') {
            out.push({ text: `AT > (SMS body, ${body.length} characters, masked) ${ch === '\x1a' ? '^Z' : 'ESC'}` });
            body = undefined;
          } else if (body.length < 1_000_000) body += ch;
          continue;
        }
        if (ch === '\r') {
          if (hostLine.trim()) out.push({ text: `AT > ${maskNumbers(hostLine.trim())}` });
          if (/^AT\+CMGS=/i.test(hostLine.trim())) [body, echoing] = ['', true];
          hostLine = '';
        } else if (hostLine.length < MAX_LINE) hostLine += ch;
      } else {
        if (ch === '\n' || ch === '\r') {
          if (modemLine.trim()) out.push(named(modemLine.trim()));
          modemLine = '';
        } else if (modemLine.length < MAX_LINE) {
          modemLine += ch;
          if (modemLine === '> ') {
            out.push({ text: 'AT < > (prompt)' });
            modemLine = '';
          }
        }
      }
    }
    return out;
  };
}
