/**
 * Reading a JSON file a user wrote (rig config, profile, hierarchies): a missing file and a syntax error are the
 * user's mistakes, so they get one line naming the file (and line and column), never a stack trace.
 */
import { readFile } from 'node:fs/promises';

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** JSON.parse with an error of the form `file:line:column: what is not valid JSON: <reason>`. */
export function parseJson(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    // V8 says "… in JSON at position 42" (Node 22 adds "(line 3 column 5)"); the end of input has no position.
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : text.length;
    const { line, column } = lineColumn(text, offset);
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
    throw new Error(`${file}:${line}:${column}: ${what} is not valid JSON: ${reason}`);
  }
}

/** Read and parse a JSON file; a file that is not there is named as missing. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${what} ${file} does not exist`);
    if (code === 'EISDIR') throw new Error(`${what} ${file} is a directory, not a JSON file`);
    throw new Error(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
  return parseJson(text, file, what);
}
