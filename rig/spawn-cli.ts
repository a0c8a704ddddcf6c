/** For tests: the real `atm-rig` command in a child process, as a user runs it. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('./bin.js', import.meta.url));

export interface CliRun {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code (null when killed by a signal). */
  exit: Promise<number | null>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves when the output matches. */
  until(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

const live = new Set<ChildProcessWithoutNullStreams>();

/** Kill every child still running: a test that failed (a mistake accepted, a rig left up) must not leave them. */
export function killLeftovers(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

/** `entry`: what Node runs instead of rig/bin.js (the command as another build made it, a build script). */
export function spawnCli(args: string[], options: { cwd?: string; env?: Record<string, string>; entry?: string[] } = {}): CliRun {
  const child = spawn(process.execPath, [...(options.entry ?? [BIN]), ...args], {
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // A budget, not a figure: a first start hashes the bus users' passwords, which a loaded machine takes long over.
  let exited = false;
  child.on('close', () => {
    exited = true;
    for (const l of listeners) l();
  });
  // A command that ended without printing it never will: said at once, not after the budget.
  const until = (re: RegExp, ms = 40_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const fail = (why: string) => (
        clearTimeout(timer),
        listeners.delete(check),
        reject(new Error(`no ${re} in output (${why}):\n${out}`))
      );
      const check = () => {
        const m = re.exec(out);
        if (m) {
          clearTimeout(timer);
          listeners.delete(check);
          resolve(m);
        } else if (exited) fail('the command ended');
      };
      const timer = setTimeout(() => fail(`after ${ms} ms`), ms);
      listeners.add(check);
      check();
    });
  return { child, exit, output: () => out, until };
}

/** Run to the end: exit code and output. */
export async function runCliToEnd(
  args: string[],
  options: Parameters<typeof spawnCli>[1] = {},
): Promise<{ code: number | null; output: string }> {
  const run = spawnCli(args, options);
  const code = await run.exit;
  return { code, output: run.output() };
}
