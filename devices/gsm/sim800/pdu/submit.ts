/**
 * SMS-SUBMIT (TS 23.040 §9.2.2.2), what a phone or modem sends: first octet (MTI 01, bit 2 TP-RD, bits 4-3 TP-VPF,
 * bit 5 TP-SRR, bit 6 TP-UDHI, bit 7 TP-RP), TP-MR, TP-DA, TP-PID, TP-DCS, TP-VP (0, 1 or 7 octets), TP-UDL, TP-UD.
 * In 27.005 PDU mode the SMSC address comes first; AT+CMGS=<length> counts the TPDU only.
 */
import { encodeAddress, encodeSmsc, readAddress, readSmsc } from './address.ts';
import { PduError, PduReader } from './reader.ts';
import { decodeTimestamp, encodeTimestamp, type Timestamp } from './timestamp.ts';
import { alphabetOf, decodeUserData, encodeUserData, type UserData } from './user-data.ts';

export type ValidityPeriod = { relative: number } | { absolute: Timestamp } | { enhanced: Buffer };

export interface Submit extends UserData {
  smsc?: string;
  mr: number;
  to: string;
  toType?: number;
  pid: number;
  dcs: number;
  vp?: ValidityPeriod;
  srr?: boolean;
  rejectDuplicates?: boolean;
  replyPath?: boolean;
}

export interface DecodedSubmit extends Submit {
  fo: number;
  toType: number;
  udl: number;
  /** The TPDU's octets (the <length> of AT+CMGS and +CMGR in PDU mode). */
  tpduOctets: number;
  /** The user data octets, header included. */
  ud: Buffer;
}

const vpf = (vp?: ValidityPeriod) => (!vp ? 0 : 'relative' in vp ? 2 : 'enhanced' in vp ? 1 : 3);

/** The PDU as PDU mode writes it: SMSC part, then the TPDU. */
export function encodeSubmit(s: Submit): { pdu: Buffer; tpduOctets: number } {
  const { udl, bytes } = encodeUserData(alphabetOf(s.dcs), s);
  const fo =
    0x01 | (s.rejectDuplicates ? 0x04 : 0) | (vpf(s.vp) << 3) | (s.srr ? 0x20 : 0) | (s.ies.length ? 0x40 : 0) | (s.replyPath ? 0x80 : 0);
  const vp = !s.vp
    ? Buffer.alloc(0)
    : 'relative' in s.vp
      ? Buffer.from([s.vp.relative & 0xff])
      : 'absolute' in s.vp
        ? encodeTimestamp(s.vp.absolute)
        : s.vp.enhanced;
  if (vp.length !== 0 && vp.length !== 1 && vp.length !== 7) throw new PduError('an enhanced validity period is 7 octets');
  const tpdu = Buffer.concat([
    Buffer.from([fo, s.mr & 0xff]),
    encodeAddress(s.to, s.toType),
    Buffer.from([s.pid, s.dcs]),
    vp,
    Buffer.from([udl]),
    bytes,
  ]);
  return { pdu: Buffer.concat([encodeSmsc(s.smsc), tpdu]), tpduOctets: tpdu.length };
}

/** A PDU-mode SMS-SUBMIT (with its SMSC part). Throws PduError on anything malformed or of another type. */
export function decodeSubmit(pdu: Buffer): DecodedSubmit {
  const r = new PduReader(pdu);
  const smsc = readSmsc(r);
  const tpduOctets = r.left;
  const fo = r.octet('first octet');
  if ((fo & 0x03) !== 0x01) throw new PduError(`not an SMS-SUBMIT (TP-MTI ${fo & 3})`);
  const mr = r.octet('TP-MR');
  const { address: to, type: toType } = readAddress(r);
  const pid = r.octet('TP-PID');
  const dcs = r.octet('TP-DCS');
  const format = (fo >> 3) & 3;
  const vp: ValidityPeriod | undefined =
    format === 2
      ? { relative: r.octet('TP-VP') }
      : format === 3
        ? { absolute: decodeTimestamp(r.take(7, 'TP-VP')) }
        : format === 1
          ? { enhanced: Buffer.from(r.take(7, 'TP-VP')) }
          : undefined;
  const udl = r.octet('TP-UDL');
  const ud = decodeUserData(alphabetOf(dcs), (fo & 0x40) !== 0, udl, r.rest());
  return {
    ...ud,
    ...(smsc.address ? { smsc: smsc.address } : {}),
    fo,
    mr,
    to,
    toType,
    pid,
    dcs,
    ...(vp ? { vp } : {}),
    srr: (fo & 0x20) !== 0,
    rejectDuplicates: (fo & 0x04) !== 0,
    replyPath: (fo & 0x80) !== 0,
    udl,
    tpduOctets,
  };
}

/** TP-VP relative (TS 23.040 §9.2.3.12.1) in minutes. */
export function relativeVpMinutes(vp: number): number {
  if (vp <= 143) return (vp + 1) * 5;
  if (vp <= 167) return 12 * 60 + (vp - 143) * 30;
  if (vp <= 196) return (vp - 166) * 24 * 60;
  return (vp - 192) * 7 * 24 * 60;
}
