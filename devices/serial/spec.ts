/**
 * A serial device spec as users write it: `serial:/dev/ttyUSB0@57600`. Only standard UART rates are accepted: a
 * typo such as `@5760` would otherwise open the port at a rate no module speaks, and the driver would just see
 * silence. (The ZFM modules run at 9600 × N, N = 1-12; SIM800 at 1200-115200; the LCDM-2000 at 9600.)
 */
import type { SerialTracer, WireDecoder } from './trace.ts';

export interface SerialSpec {
  path: string;
  baudRate: number;
  /** Trace the link's bytes (`--trace-serial`): where to, under which label, named by which protocol. */
  trace?: { tracer: SerialTracer; label: string; decoder: WireDecoder };
}

export const BAUD_RATES: readonly number[] = [1200, 2400, 4800, 9600, 14400, 19200, 28800, 38400, 57600, 115200, 230400, 460800, 921600];

/** Why a baud rate is refused, or undefined when it is fine. */
export function baudProblem(baud: number): string | undefined {
  if (BAUD_RATES.includes(baud)) return undefined;
  return `unsupported baud rate ${baud}: use one of ${BAUD_RATES.join(', ')}`;
}

/** `serial:/dev/ttyUSB0@57600` -> `{ path: '/dev/ttyUSB0', baudRate: 57600 }`. */
export function parseSerialSpec(spec: string): SerialSpec {
  const m = /^serial:(.+)@(\d+)$/.exec(spec);
  if (!m) throw new Error(`not a serial device spec: "${spec}" (use serial:<path>@<baud>, e.g. serial:/dev/ttyUSB0@57600)`);
  const baudRate = Number(m[2]);
  const problem = baudProblem(baudRate);
  if (problem) throw new Error(`"${spec}": ${problem}`);
  return { path: m[1]!, baudRate };
}
