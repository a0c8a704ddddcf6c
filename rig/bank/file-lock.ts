/**
 * One data file, one owner. Two processes writing the same bank file each keep their own copy in memory and
 * overwrite each other's writes (money vanished that way). The owner holds `<file>.lock`, created exclusively,
 * naming its pid, host, command and (on Linux) the process's start time. A lock left by a process that is gone
 * (a crash, SIGKILL) is taken over; one held by a live process is an error that names it.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  since: string;
  /** /proc/<pid>/stat field 22: tells a recycled pid from the process that took the lock. */
  startTime?: string;
}

export interface FileLock {
  readonly path: string;
  release(): Promise<void>;
}

export class FileLockedError extends Error {
  constructor(readonly file: string, readonly owner: LockOwner) {
    super(
      `bank data file ${file} is in use by process ${owner.pid} (${owner.command}) on ${owner.host} since ${owner.since}. ` +
        `One data file has one owner: stop that process, or give this one another file with --data <file> (":memory:" keeps nothing).`,
    );
    this.name = 'FileLockedError';
  }
}

function processStartTime(pid: number): string | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses; fields after its closing ')' are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // another machine's process: we cannot tell, so we do not steal
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStartTime(owner.pid);
  return !(owner.startTime && start && start !== owner.startTime);
}

function me(): LockOwner {
  const start = processStartTime(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    command: process.argv.slice(1).map((a) => a.split('/').slice(-2).join('/')).join(' ').slice(0, 200),
    since: new Date().toISOString(),
    ...(start ? { startTime: start } : {}),
  };
}

/** Take the lock on `file` (at `<file>.lock`) or throw FileLockedError naming the process that holds it. */
export async function lockFile(file: string): Promise<FileLock> {
  const path = `${file}.lock`;
  const owner = me();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(JSON.stringify(owner) + '\n');
      await handle.sync();
      await handle.close();
      const releaseSync = () => {
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
      // A normal exit (even process.exit in the middle of a run) lets the lock go; SIGKILL leaves it, and the
      // next owner finds its process gone.
      process.once('exit', releaseSync);
      return {
        path,
        async release() {
          process.off('exit', releaseSync);
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = await readFile(path, 'utf8').then((t) => JSON.parse(t) as LockOwner, () => undefined);
    // An unreadable lock is one being written this instant, or torn by a crash mid-write: look again.
    if (held && isAlive(held)) throw new FileLockedError(file, held);
    if (held || attempt > 0) await unlink(path).catch(() => undefined);
    else await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`could not take the lock ${path}; delete it if no atm-rig process uses ${file}`);
}
