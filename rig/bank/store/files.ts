/**
 * The bank file on disk, whatever the store: its folder made (or why it cannot be), a folder given where a file
 * should be, symlinks followed to the one real file (the lock and every write must be on it), and the temp files
 * a crash left behind.
 */
import { lstat, mkdir, readdir, readlink, realpath, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export class BankFileError extends Error {
  constructor(file: string, problem: string, hasBackup: boolean) {
    const recover = hasBackup
      ? `The last good copy is ${file}.bak (kept at the last start): copy it over ${file} (with no atm-rig running on it), or move ${file} aside to start with an empty bank.`
      : `Move ${file} aside to start with an empty bank.`;
    super(`bank data file ${file} cannot be used: ${problem}. ${recover}`);
    this.name = 'BankFileError';
  }
}

/** Make the file's folder, refuse a folder as the file, and return the real file behind any symlinks. */
export async function prepareBankPath(file: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    throw new Error(
      `cannot make the folder ${dirname(file)} for the bank data file: ${err.code === 'EEXIST' || err.code === 'ENOTDIR' ? 'a file is in the way' : err.message}`,
    );
  });
  await refuseFolder(file);
  return physical(file);
}

/** A folder given where the bank file should be is named plainly. */
export async function refuseFolder(file: string): Promise<void> {
  if (
    await stat(file).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    throw new Error(`bank data file ${file} is a folder: give a file, e.g. ${join(file, 'bank.json')}`);
}

/** The file itself, not a symlink to it: a write that renames over the path would replace a symlink with a copy.
 *  A file with other hard links would be split from them by the first such write, so it is refused. */
async function physical(file: string, depth = 0): Promise<string> {
  const link = await lstat(file).then(
    (s) => s.isSymbolicLink(),
    () => false,
  );
  // A link to a file not made yet (a fresh bank) has no realpath: follow it by hand.
  if (link && depth < 16) return physical(resolve(dirname(file), await readlink(file)), depth + 1);
  const real = await realpath(file).catch(async () => join(await realpath(dirname(file)), basename(file)));
  const links = await stat(real).then(
    (s) => s.nlink,
    () => 1,
  );
  if (links > 1)
    throw new Error(
      `bank data file ${file} has ${links} hard links; atm-rig replaces the file on every write, which would split them: give it a file of its own`,
    );
  return real;
}

export async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** `.bank.json.<pid>.<n>.tmp` files are half-written copies from a crash; the owner of the lock may remove them. */
export async function removeLeftoverTemps(file: string): Promise<void> {
  const prefix = `.${basename(file)}.`;
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) await unlink(join(dirname(file), name)).catch(() => undefined);
  }
}
