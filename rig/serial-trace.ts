/**
 * Where `--trace-serial` (config `traceSerial`) sends the serial trace: "console" prints it, any other value is a
 * file it is appended to; a test can take the lines too. Lines are timed on the rig clock and masked by each
 * protocol's decoder (devices/serial/trace.ts).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { RigClock } from '../core/clock.ts';
import type { SerialTracer } from '../devices/serial/trace.ts';

export interface OpenSerialTrace {
  tracer?: SerialTracer;
  close(): Promise<void>;
}

export function openSerialTrace(target: string | undefined, hook: ((line: string) => void) | undefined, clock: RigClock): OpenSerialTrace {
  if (!target && !hook) return { close: async () => {} };
  let file: WriteStream | undefined;
  if (target && target !== 'console') {
    file = createWriteStream(target, { flags: 'a', mode: 0o600 });
    // A trace that cannot be written is reported once, not a reason to stop the rig.
    file.on('error', (err) => process.emitWarning(`atm-rig: cannot write the serial trace to ${target}: ${err.message}`));
  }
  const origin = clock.now();
  return {
    tracer: {
      now: () => clock.now() - origin,
      line(text) {
        if (target === 'console') process.stderr.write(`${text}\n`);
        file?.write(`${text}\n`);
        hook?.(text);
      },
    },
    close: () => new Promise<void>((resolve) => (file ? file.end(() => resolve()) : resolve())),
  };
}
