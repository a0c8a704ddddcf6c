/**
 * JSON a person wrote or a program left (config, profiles, hierarchies, the bank file), read with errors a person
 * can act on: the file, and the line and column of the first problem. V8 names the position for some errors and
 * not for others ("Unexpected token ',', ..."), so the position comes from a small scanner that walks the text as
 * JSON's grammar does and stops where it goes wrong.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
export class JsonTextError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`line ${line}, column ${column}: ${problem}`);
    this.name = 'JsonTextError';
  }
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const offset = firstErrorOffset(text);
    const { line, column } = lineColumn(text, offset);
    const problem = offset >= text.length ? 'the text ends too early' : `unexpected ${JSON.stringify(text[offset])}`;
    throw new JsonTextError(line, column, text.trim() === '' ? 'the text is empty' : problem);
  }
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** JSON.parse with an error of the form `file:line:column: <what> is not valid JSON: <problem>`. */
export function parseJson(text: string, file: string, what: string): unknown {
  try {
    return parseJsonText(text);
  } catch (err) {
    const e = err as JsonTextError;
    throw new Error(`${file}:${e.line}:${e.column}: ${what} is not valid JSON: ${e.problem}`, { cause: err });
  }
}

/** Read and parse a JSON file; a file that is not there is named as missing. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${what} ${file} does not exist`, { cause: err });
    if (code === 'EISDIR') throw new Error(`${what} ${file} is a directory, not a JSON file`, { cause: err });
    throw new Error(`cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseJson(text, file, what);
}

/** A JSON object of strings by name (a keyring, a key file), or undefined when the file does not exist; anything
 *  else is an error naming the file. Secrets: the error never quotes the file's text. */
export async function readStringRecord(file: string, what: string): Promise<Record<string, string> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = StringRecord.safeParse(parseJson(text, file, what));
  if (!parsed.success) throw new Error(`${file} is not ${what} (an object of names to strings): ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const StringRecord = z.record(z.string().min(1), z.string().min(1));

/** Offset of the first character that breaks JSON's grammar (text.length when it ends too early). */
export function firstErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = () => {
    i++; // the opening quote
    while (i < text.length && text[i] !== '"') {
      const ch = text[i]!;
      if (ch < ' ') fail();
      if (ch === '\\') {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (/[0-9a-fA-F]/.test(text[i + k] ?? '')) continue;
            i += k;
            fail();
          }
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-') fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail();
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (at) {
    return Math.min(at as number, text.length);
  }
}
