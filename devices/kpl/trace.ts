/** KPL/1 lines named for the serial trace. A key could be a PIN digit: only ENTER, CANCEL, CLEAR and the FDKs are
 *  shown; numbers on the screen (an account being typed) keep their last four digits. */
import { maskNumbers, type Direction, type WireDecoder, type WireFrame } from '../serial/trace.ts';
import { LineSplitter } from './protocol.ts';

export function kplDecoder(): WireDecoder {
  const split: Record<Direction, LineSplitter> = { '>': new LineSplitter(), '<': new LineSplitter() };
  return (direction, bytes) =>
    split[direction].push(bytes).map((line): WireFrame => {
      const key = /^K (\S+)$/.exec(line)?.[1];
      if (key) return { text: `KPL K ${/^(ENTER|CANCEL|CLEAR|FDK[A-DF-I])$/.test(key) ? key : '*'}` };
      return { text: `KPL ${maskNumbers(line)}` };
    });
}
