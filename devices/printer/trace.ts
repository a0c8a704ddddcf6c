/** ESC/POS named for the serial trace: commands, receipt lines (card and phone numbers masked), status answers. */
import { maskNumbers, type WireDecoder, type WireFrame } from '../serial/trace.ts';
import { EscPosParser, isStatusByte } from './escpos.ts';

export function escPosDecoder(): WireDecoder {
  const parser = new EscPosParser();
  return (direction, bytes) => {
    if (direction === '<')
      return [...bytes].map((b): WireFrame => ({ text: isStatusByte(b) ? 'ESC/POS status' : 'ESC/POS ?', bytes: Buffer.from([b]) }));
    return parser.push(bytes).map((e): WireFrame => {
      if (e.type === 'line') return { text: `ESC/POS "${maskNumbers(e.text)}"` };
      if (e.type === 'status') return { text: `ESC/POS DLE EOT ${e.n}`, bytes: Buffer.from([0x10, 0x04, e.n]) };
      if (e.type === 'ignored') return { text: `ESC/POS ignored ${e.command}` };
      return { text: `ESC/POS ${e.type}` };
    });
  };
}
