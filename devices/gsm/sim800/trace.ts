/**
 * AT traffic named for the serial trace, a line at a time. An SMS body is an OTP as often as not: the text or PDU a
 * host types after AT+CMGS (and the modem's echo of it), and whatever follows a +CMGR / +CMGL / +CMT header up to
 * the final result or the host's next command, show only their length. Numbers keep their last four digits.
 */
import { maskNumbers, type WireDecoder, type WireFrame } from '../../serial/trace.ts';

const MAX_LINE = 600;
const FINAL = /^(OK|ERROR|\+CME ERROR: .*|\+CMS ERROR: .*)$/;
/** A listing's own header line, shown (its number masked) while the bodies around it are not. */
const LIST_HEADER = /^\+CMGL: \d+,(?:"(?:REC|STO) (?:UNREAD|READ|UNSENT|SENT)"|\d)/;

export function atDecoder(): WireDecoder {
  let [hostLine, modemLine, lastCommand] = ['', '', ''];
  /** The host is typing an SMS body (after AT+CMGS), until Ctrl-Z or ESC. */
  let body: string | undefined;
  /** The modem has shown the "> " prompt for that body. */
  let prompted = false;
  /** From AT+CMGS until its result, the modem's lines may echo the body (echo on, before ATE0). */
  let echoing = false;
  /** After a message header, the modem's lines are message text until the final result or the next command. */
  let inMessage = false;

  const fromModem = (line: string): WireFrame => {
    if (FINAL.test(line)) {
      [echoing, inMessage] = [false, false];
      // Refused before the prompt: no body follows, the host's next line is a command again.
      if (body === '' && !prompted) body = undefined;
      return { text: `AT < ${line}` };
    }
    if (/^\+CMGS: \d+$/.test(line))
      echoing = false; // the send's own result: the echo is over
    else if (echoing) return { text: `AT < (echo, ${line.length} characters, masked)` };
    if (inMessage && !LIST_HEADER.test(line)) return { text: `AT < (SMS text, ${line.length} characters, masked)` };
    if (/^\+(CMGR|CMGL|CMT):/.test(line)) inMessage = true;
    return { text: `AT < ${maskNumbers(line)}` };
  };

  const fromHost = (raw: string): WireFrame[] => {
    const line = raw.trim() === 'A/' ? lastCommand : raw.trim();
    if (!line) return [];
    lastCommand = line;
    inMessage = false;
    // AT+CMGS anywhere on the line: chained after `;`, after noise, in any case.
    if (/\+CMGS=/i.test(line)) [body, prompted, echoing] = ['', false, true];
    return [{ text: `AT > ${maskNumbers(raw.trim())}` }];
  };

  return (direction, bytes) => {
    const out: WireFrame[] = [];
    for (const ch of bytes.toString('latin1')) {
      if (direction === '>') {
        if (body !== undefined && prompted) {
          if (ch === '\x1a' || ch === '\x1b') {
            out.push({ text: `AT > (SMS body, ${body.length} characters, masked) ${ch === '\x1a' ? '^Z' : 'ESC'}` });
            body = undefined;
          } else if (body.length < 1_000_000) body += ch;
          continue;
        }
        if (ch === '\x1b') out.push({ text: 'AT > ESC' });
        else if (ch === '\r') {
          out.push(...fromHost(hostLine));
          hostLine = '';
        } else if (body !== undefined)
          body += ch; // typed before the prompt came: body all the same
        else if (hostLine.length < MAX_LINE) hostLine += ch;
      } else if (ch === '\n' || ch === '\r') {
        if (modemLine.trim()) out.push(fromModem(modemLine.trim()));
        modemLine = '';
      } else if (modemLine.length < MAX_LINE) {
        modemLine += ch;
        if (modemLine === '> ' || (modemLine === '>' && body !== undefined)) {
          out.push({ text: 'AT < > (prompt)' });
          if (body !== undefined) prompted = true;
          modemLine = '';
        }
      }
    }
    return out;
  };
}
