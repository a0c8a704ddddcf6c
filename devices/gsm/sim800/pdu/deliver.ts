/**
 * SMS-DELIVER (TS 23.040 §9.2.2.1), what the network hands a phone: first octet (MTI 00, bit 2 TP-MMS = no more
 * messages, bit 5 TP-SRI, bit 6 TP-UDHI, bit 7 TP-RP), TP-OA, TP-PID, TP-DCS, TP-SCTS (7), TP-UDL, TP-UD.
 */
import { encodeAddress, encodeSmsc, readAddress, readSmsc } from './address.ts';
import { PduError, PduReader } from './reader.ts';
import { decodeTimestamp, encodeTimestamp, type Timestamp } from './timestamp.ts';
import { alphabetOf, decodeUserData, encodeUserData, type UserData } from './user-data.ts';

export interface Deliver extends UserData {
  smsc?: string;
  from: string;
  fromType?: number;
  pid: number;
  dcs: number;
  scts: Timestamp;
  /** TP-MMS clear: more messages are waiting at the SC. */
  moreMessages?: boolean;
  statusReport?: boolean;
  replyPath?: boolean;
}

export interface DecodedDeliver extends Deliver {
  fo: number;
  fromType: number;
  smscType?: number;
  udl: number;
  tpduOctets: number;
  /** The user data octets, header included. */
  ud: Buffer;
}

export function encodeDeliver(d: Deliver): { pdu: Buffer; tpduOctets: number } {
  const { udl, bytes } = encodeUserData(alphabetOf(d.dcs), d);
  const fo = (d.moreMessages ? 0 : 0x04) | (d.statusReport ? 0x20 : 0) | (d.ies.length ? 0x40 : 0) | (d.replyPath ? 0x80 : 0);
  const tpdu = Buffer.concat([
    Buffer.from([fo]),
    encodeAddress(d.from, d.fromType),
    Buffer.from([d.pid, d.dcs]),
    encodeTimestamp(d.scts),
    Buffer.from([udl]),
    bytes,
  ]);
  return { pdu: Buffer.concat([encodeSmsc(d.smsc), tpdu]), tpduOctets: tpdu.length };
}

/** A PDU-mode SMS-DELIVER (with its SMSC part). Throws PduError on anything malformed or of another type. */
export function decodeDeliver(pdu: Buffer): DecodedDeliver {
  const r = new PduReader(pdu);
  const smsc = readSmsc(r);
  const tpduOctets = r.left;
  const fo = r.octet('first octet');
  if ((fo & 0x03) !== 0x00) throw new PduError(`not an SMS-DELIVER (TP-MTI ${fo & 3})`);
  const { address: from, type: fromType } = readAddress(r);
  const pid = r.octet('TP-PID');
  const dcs = r.octet('TP-DCS');
  const scts = decodeTimestamp(r.take(7, 'TP-SCTS'));
  const udl = r.octet('TP-UDL');
  const ud = decodeUserData(alphabetOf(dcs), (fo & 0x40) !== 0, udl, r.rest());
  return {
    ...ud,
    ...(smsc.address ? { smsc: smsc.address, smscType: smsc.type } : {}),
    fo,
    from,
    fromType,
    pid,
    dcs,
    scts,
    moreMessages: (fo & 0x04) === 0,
    statusReport: (fo & 0x20) !== 0,
    replyPath: (fo & 0x80) !== 0,
    udl,
    tpduOctets,
  };
}
