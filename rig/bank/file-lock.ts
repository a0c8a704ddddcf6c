/**
 * One data file, one owner. Two processes writing the same bank file each keep their own copy in memory and
 * overwrite each other's writes (money vanished that way). The owner holds `<file>.lock`, created exclusively,
 * naming its pid, host, command and (on Linux) the process's start time. A lock left by a process that is gone
 * (a crash, SIGKILL) is taken over; one held by a live process is an error that names it.
 */
import { open, readFile, stat, unlink } from 'node:fs/promises';
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
  constructor(
    readonly file: string,
    readonly owner: LockOwner,
  ) {
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
    command: process.argv.slice(1).join(' ').slice(0, 300),
    since: new Date().toISOString(),
    ...(start ? { startTime: start } : {}),
  };
}

/** Take the lock on `file` (at `<file>.lock`) or throw FileLockedError naming the process that holds it. */
export async function lockFile(file: string): Promise<FileLock> {
  const path = `${file}.lock`;
  const owner = JSON.stringify(me()) + '\n';
  for (let attempt = 0; attempt < 40; attempt++) {
    if (await create(path, owner)) return held(path);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // gone between our two looks: try again
    const holder = parse(text);
    if (holder && isAlive(holder)) throw new FileLockedError(file, holder);
    // Unreadable: its writer may be between open and write; give it a moment before calling it torn.
    if (!holder && attempt < 10) {
      await sleep(25);
      continue;
    }
    // Stale. Break it under a second lock, so that of several processes starting at once exactly one breaks it and
    // takes its place, and a lock another process just took is never the one removed.
    const won = await underBreaker(path, async () => {
      const now = await readFile(path, 'utf8').catch(() => undefined);
      if (now !== undefined && now !== text) return false; // somebody else's, fresh: look again
      if (now !== undefined) await unlink(path).catch(() => undefined);
      return create(path, owner);
    });
    if (won) return held(path);
    await sleep(20 + Math.random() * 30);
  }
  throw new Error(`could not take the lock ${path}; delete it if no atm-rig process uses ${file}`);
}

async function create(path: string, content: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function parse(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as LockOwner;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Run `fn` holding `<lock>.break`; false without running it when another process holds that. A breaker left by
 *  a process killed in the few milliseconds it is held is removed after 10 s. */
async function underBreaker(lock: string, fn: () => Promise<boolean>): Promise<boolean> {
  const breaker = `${lock}.break`;
  if (!(await create(breaker, String(process.pid)))) {
    const age = await stat(breaker).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > 10_000) await unlink(breaker).catch(() => undefined);
    return false;
  }
  try {
    return await fn();
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

function held(path: string): FileLock {
  const releaseSync = () => {
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
  };
  // A normal exit (even process.exit in the middle of a run) lets the lock go; SIGKILL leaves it, and the next
  // owner finds its process gone.
  process.once('exit', releaseSync);
  return {
    path,
    async release() {
      process.off('exit', releaseSync);
      await unlink(path).catch(() => undefined);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
