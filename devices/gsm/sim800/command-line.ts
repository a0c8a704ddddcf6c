/**
 * The V.250 command line as the SIM800 reads it (SIM800 Series AT Command Manual V1.09 §1.4, §2.2.17-19; table in
 * shared/reference/sim800-sms.md §1): anything before `AT` is ignored; the prefix is case-insensitive; `A/`
 * repeats the previous line; the line ends with CR (S3); backspace (S5) deletes; at most 556 characters after the
 * prefix, a longer line is answered ERROR and not kept. Commands on one line: basic ones run together (`E0V1`),
 * extended ones separated by `;` (`+CMEE=1;+CREG=2`).
 */
export const MAX_LINE = 556;

export type LineEvent = { line: string } | { overflow: true } | { repeat: true };

/** Bytes in, command lines out; memory stays bounded whatever arrives. `echo` is what the modem echoes: the line
 *  from its `AT` on, not the noise before it. */
export class LineReader {
  #state: 'idle' | 'a' | 'line' = 'idle';
  #a = 'A';
  #body = '';
  #overflow = false;

  push(byte: number): { event?: LineEvent; echo: string } {
    const c = String.fromCharCode(byte);
    if (this.#state === 'idle' || this.#state === 'a') {
      if (this.#state === 'a' && (c === 'T' || c === 't')) {
        this.#state = 'line';
        this.#body = '';
        this.#overflow = false;
        return { echo: this.#a + c };
      }
      if (this.#state === 'a' && c === '/') {
        this.#state = 'idle';
        return { event: { repeat: true }, echo: this.#a + c };
      }
      this.#state = c === 'A' || c === 'a' ? 'a' : 'idle';
      this.#a = c;
      return { echo: '' };
    }
    if (byte === 0x0d) {
      this.#state = 'idle';
      return { event: this.#overflow ? { overflow: true } : { line: this.#body }, echo: c };
    }
    if (byte === 0x08) this.#body = this.#body.slice(0, -1);
    else if (byte === 0x0a || byte === 0x00)
      return { echo: '' }; // a stray LF or NUL inside the line
    else if (this.#body.length >= MAX_LINE) this.#overflow = true;
    else this.#body += c;
    return { echo: c };
  }

  reset(): void {
    this.#state = 'idle';
    this.#body = '';
  }
}

export interface Command {
  /** Upper case: `E`, `&F`, `S3`, `+CMGF`. */
  name: string;
  /** `exec` (`ATZ`, `AT+CSQ`), `read` (`?`), `test` (`=?`), `set` (`=...`). */
  op: 'exec' | 'read' | 'test' | 'set';
  /** What follows `=` (extended), or the digits of a basic command. Quoted strings keep their case. */
  args: string;
}

/** The commands on one line (the part after `AT`), or undefined for a syntax error. */
export function parseCommands(body: string): Command[] | undefined {
  const out: Command[] = [];
  let i = 0;
  const upper = body.toUpperCase();
  while (i < body.length) {
    const c = upper[i]!;
    if (c === ' ' || c === ';') {
      i++;
      continue;
    }
    if (c === '+' || c === '#' || c === '*' || c === '^') {
      let j = i + 1;
      while (j < body.length && /[A-Z0-9_%]/.test(upper[j]!)) j++;
      if (j === i + 1) return undefined;
      const name = upper.slice(i, j);
      if (upper.startsWith('=?', j)) {
        out.push({ name, op: 'test', args: '' });
        i = j + 2;
      } else if (upper[j] === '?') {
        out.push({ name, op: 'read', args: '' });
        i = j + 1;
      } else if (upper[j] === '=') {
        let k = j + 1;
        let quoted = false;
        while (k < body.length && (quoted || body[k] !== ';')) {
          if (body[k] === '"') quoted = !quoted;
          k++;
        }
        if (quoted) return undefined;
        out.push({ name, op: 'set', args: body.slice(j + 1, k).trim() });
        i = k;
      } else {
        out.push({ name, op: 'exec', args: '' });
        i = j;
      }
      if (i < body.length && body[i] !== ';' && body[i] !== ' ') return undefined;
      continue;
    }
    if (c === '&' || /[A-Z]/.test(c)) {
      const name = c === '&' ? upper.slice(i, i + 2) : c === 'S' ? /^S\d+/.exec(upper.slice(i))?.[0] : c;
      if (!name || (c === '&' && !/^&[A-Z]$/.test(name))) return undefined;
      i += name.length;
      if (c === 'S' && upper[i] === '?') {
        out.push({ name, op: 'read', args: '' });
        i++;
        continue;
      }
      if (c === 'S' && upper[i] === '=') {
        const v = /^=(\d*)/.exec(upper.slice(i))![1]!;
        out.push({ name, op: 'set', args: v });
        i += 1 + v.length;
        continue;
      }
      if (upper[i] === '?') {
        out.push({ name, op: 'read', args: '' });
        i++;
        continue;
      }
      const digits = /^\d*/.exec(upper.slice(i))![0];
      out.push({ name, op: 'exec', args: digits });
      i += digits.length;
      continue;
    }
    return undefined;
  }
  return out;
}

/** Comma-separated parameters, quotes respected; empty parameters are kept as ''. */
export function splitArgs(args: string): string[] {
  if (args.trim() === '') return [];
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of args) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** A quoted string parameter's value; undefined if it is not quoted. */
export function quoted(arg: string | undefined): string | undefined {
  const m = /^"([^"]*)"$/.exec(arg ?? '');
  return m ? m[1] : undefined;
}

/** An integer parameter within [min, max]; undefined otherwise. An empty parameter gives `fallback`. */
export function int(arg: string | undefined, min: number, max: number, fallback?: number): number | undefined {
  if (arg === undefined || arg === '') return fallback;
  if (!/^\d{1,6}$/.test(arg)) return undefined;
  const n = Number(arg);
  return n >= min && n <= max ? n : undefined;
}
