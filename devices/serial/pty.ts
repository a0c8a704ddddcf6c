/**
 * A pair of connected pseudo-terminals from socat (`socat -d -d pty,raw,echo=0 pty,raw,echo=0`): what one end
 * writes the other reads, like a null-modem cable. Drivers are tested against emulators over these, and
 * `atm-rig up` uses them to run every device "over serial" without hardware.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface PtyPair {
  /** The two ends, e.g. /dev/pts/3 and /dev/pts/4. */
  a: string;
  b: string;
  close(): Promise<void>;
}

/** `links` gives the two ends stable names (symlinks), so a pair made again later has the same paths: a device
 *  unplugged and plugged back in. */
export function openPtyPair(timeoutMs = 5000, links?: [string, string]): Promise<PtyPair> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      const end = (link?: string) => `pty,raw,echo=0${link ? `,link=${link}` : ''}`;
      child = spawn('socat', ['-d', '-d', end(links?.[0]), end(links?.[1])], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      return reject(err);
    }
    const paths: string[] = [];
    let log = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`socat gave no pty pair within ${timeoutMs} ms: ${log}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run socat (install it: scripts/system-deps.sh): ${err.message}`));
    });
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      for (const m of d.toString().matchAll(/PTY is (\S+)/g)) paths.push(m[1]!);
      // socat is ready once it says it is transferring data.
      if (paths.length >= 2 && /starting data transfer loop/.test(log)) {
        clearTimeout(timer);
        resolve({
          a: links?.[0] ?? paths[0]!,
          b: links?.[1] ?? paths[1]!,
          close: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill();
            }),
        });
      }
    });
  });
}
