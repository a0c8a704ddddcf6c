/** LCDM-2000 frames named for the serial trace (nothing on this link is secret). */
import type { Direction, WireDecoder, WireFrame } from '../../serial/trace.ts';
import { CMD, ERROR, FrameParser } from './frame.ts';

const cmdName = (c: number) => Object.entries(CMD).find(([, v]) => v === c)?.[0] ?? `0x${c.toString(16)}`;
const errorName = (e: number | undefined) => Object.entries(ERROR).find(([, v]) => v === e)?.[0] ?? `error 0x${(e ?? 0).toString(16)}`;

export function lcdmDecoder(): WireDecoder {
  const parsers: Record<Direction, FrameParser> = { '>': new FrameParser(), '<': new FrameParser() };
  return (direction, bytes) =>
    parsers[direction].push(bytes).map((p): WireFrame => {
      if ('ack' in p) return { text: 'LCDM ACK', bytes: Buffer.from([0x06]) };
      if ('nak' in p) return { text: 'LCDM NAK', bytes: Buffer.from([0x15]) };
      if ('bad' in p) return { text: `LCDM ${p.bad}` };
      const { start, cmd, data } = p.frame;
      const ascii = data.toString('latin1');
      const name = cmdName(cmd);
      if (start === 0x04) return { text: `LCDM ${name}${ascii ? ` ${ascii}` : ''}`, bytes: Buffer.from([cmd, ...data]) };
      const detail =
        cmd === CMD.upper || cmd === CMD.lower
          ? `picked ${ascii.slice(0, 2)} out ${ascii.slice(2, 4)} ${errorName(data[4])} rejected ${ascii.slice(6, 8)}`
          : cmd === CMD.status || cmd === CMD.purge
            ? errorName(cmd === CMD.status ? data[1] : data[0])
            : ascii;
      return { text: `LCDM ${name} answer: ${detail}`, bytes: Buffer.from([cmd, ...data]) };
    });
}
