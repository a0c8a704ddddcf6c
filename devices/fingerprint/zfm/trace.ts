/** ZFM packets named for the serial trace. Template data is biometric: its size is shown, never its bytes. */
import type { Direction, WireDecoder, WireFrame } from '../../serial/trace.ts';
import { CODE, INSTRUCTION, instructionName, PacketParser, PID } from './packet.ts';

const codeName = (c: number) => Object.entries(CODE).find(([, v]) => v === c)?.[0] ?? `0x${c.toString(16).padStart(2, '0')}`;

export function zfmDecoder(): WireDecoder {
  const parsers: Record<Direction, PacketParser> = { '>': new PacketParser(), '<': new PacketParser() };
  return (direction, bytes) =>
    parsers[direction].push(bytes).map(({ packet, bad }): WireFrame => {
      if (!packet) return { text: `ZFM ${bad}` };
      const raw = Buffer.concat([Buffer.from([packet.pid]), packet.payload]);
      if (packet.pid === PID.data || packet.pid === PID.end)
        return { text: `ZFM ${packet.pid === PID.end ? 'last data' : 'data'} (${packet.payload.length} bytes of template)` };
      if (packet.pid === PID.ack) return { text: `ZFM ack ${codeName(packet.payload[0] ?? -1)}`, bytes: raw };
      const [instruction = -1, ...args] = packet.payload;
      // VfyPwd carries the module password.
      if (instruction === 0x13) return { text: 'ZFM VfyPwd(****)' };
      return { text: `ZFM ${instructionName(instruction)}${describeArgs(instruction, Buffer.from(args))}`, bytes: raw };
    });
}

/** Parameters as the manual names them: buffer ids, pages and counts as numbers, not as their bytes. */
function describeArgs(instruction: number, a: Buffer): string {
  const u16 = (at: number) => (a.length >= at + 2 ? a.readUInt16BE(at) : '?');
  switch (instruction) {
    case INSTRUCTION.Search:
    case INSTRUCTION.HighSpeedSearch:
      return `(buffer ${a[0]}, pages ${u16(1)}+${u16(3)})`;
    case INSTRUCTION.Store:
    case INSTRUCTION.LoadChar:
      return `(buffer ${a[0]}, page ${u16(1)})`;
    case INSTRUCTION.DeleteChar:
      return `(page ${u16(0)}, ${u16(2)} template(s))`;
    case INSTRUCTION.Img2Tz:
    case INSTRUCTION.UpChar:
    case INSTRUCTION.DownChar:
      return `(buffer ${a[0]})`;
    case INSTRUCTION.ReadConList:
      return `(index page ${a[0]})`;
    default:
      return a.length ? `(${[...a].join(',')})` : '';
  }
}
