/** KPL/1 lines named for the serial trace. A key could be a PIN digit: only ENTER, CANCEL and CLEAR are shown. */
import type { Direction, WireDecoder, WireFrame } from '../serial/trace.ts';
import { LineSplitter } from './protocol.ts';

export function kplDecoder(): WireDecoder {
  const split: Record<Direction, LineSplitter> = { '>': new LineSplitter(), '<': new LineSplitter() };
  return (direction, bytes) =>
    split[direction].push(bytes).map((line): WireFrame => {
      const key = /^K (\S+)$/.exec(line)?.[1];
      if (key) return { text: `KPL K ${/^(ENTER|CANCEL|CLEAR)$/.test(key) ? key : '*'}` };
      return { text: `KPL ${line}` };
    });
}
