/**
 * A lowdb adapter that writes the way a bank must: to a temporary file, fsync, rename over the old file, fsync
 * the directory. A crash at any moment leaves either the old file or the new one, never half of one, and a
 * completed write survives a power cut. (lowdb's own JSONFile renames too, but never fsyncs.)
 */
import { open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { parseJsonText } from '../../core/json.ts';

export class DurableJsonFile<T> implements Adapter<T> {
  readonly #path: string;
  #seq = 0;

  constructor(path: string) {
    this.#path = path;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    if (text.trim() === '') throw new Error('the file is empty');
    try {
      return parseJsonText(text) as T;
    } catch (err) {
      throw new Error(`it is not JSON (${(err as Error).message})`, { cause: err });
    }
  }

  async write(data: T): Promise<void> {
    await this.writeText(JSON.stringify(data));
  }

  /** Write a document already in JSON text. */
  async writeText(text: string): Promise<void> {
    const temp = join(dirname(this.#path), `.${basename(this.#path)}.${process.pid}.${this.#seq++}.tmp`);
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.#path);
    const dir = await open(dirname(this.#path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
