/**
 * The topic contract (docs/topics.md explains it). Every topic atm-rig uses is built and parsed here, so a
 * typo cannot invent a topic.
 *
 *   atm/{atm}/{device}/cmd/{name}   controller -> device
 *   atm/{atm}/{device}/evt/{name}   device -> controller
 *   atm/{atm}/{device}/sim/{name}   a person's physical action, for virtual devices
 *   atm/{atm}/{device}/state        retained: the device's current state
 *   atm/{atm}/session/state         retained: the session summary
 *   atm/{atm}/session/evt/{name}    session events
 *   phone/{msisdn}/inbox            SMS delivered by the GSM network; {msisdn} is the E.164 number's digits
 *                                   without the '+', which is an MQTT wildcard and cannot be in a topic name
 */
export type Channel = 'cmd' | 'evt' | 'sim';

/** The topic contract's version, in every recording: a replay refuses a recording of another major version. */
export const TOPIC_CONTRACT_VERSION = '1.1';

export const topics = {
  device: (atm: string, device: string, channel: Channel, name: string) => `atm/${atm}/${device}/${channel}/${name}`,
  deviceState: (atm: string, device: string) => `atm/${atm}/${device}/state`,
  sessionState: (atm: string) => `atm/${atm}/session/state`,
  sessionEvent: (atm: string, name: string) => `atm/${atm}/session/evt/${name}`,
  phoneInbox: (msisdn: string) => `phone/${msisdn.replace(/^\+/, '')}/inbox`,
  /** Everything of one ATM (for a subscription): `atm/{atm}/#`. */
  atm: (atm: string) => `atm/${atm}/#`,
  /** The session's own topics, state and events: `atm/{atm}/session/#`. */
  session: (atm: string) => `atm/${atm}/session/#`,
  /** Every phone's inbox (for a subscription). */
  phones: 'phone/+/inbox',
  /** The rig clock: its state, its sim action and its errors. */
  clock: { all: 'rig/clock/#', state: 'rig/clock/state', advance: 'rig/clock/sim/advance', error: 'rig/clock/evt/error' },
  /** Fault injection (docs/faults.md): the simulator adds and clears rules; each fault applied is reported. */
  fault: {
    all: 'rig/fault/#',
    sim: 'rig/fault/sim/+',
    add: 'rig/fault/sim/add',
    clear: 'rig/fault/sim/clear',
    state: 'rig/fault/state',
    events: 'rig/fault/evt/+',
    applied: 'rig/fault/evt/applied',
    error: 'rig/fault/evt/error',
  },
} as const;

/** The bus user a device of an ATM connects as, e.g. `atm-1.keypad` (docs/security.md). */
export function busUser(atm: string, kind: string): string {
  return `${atm}.${kind}`;
}

export interface ParsedTopic {
  atm: string;
  device: string;
  channel: Channel | 'state';
  name?: string;
}

/** `atm/atm-1/keypad/sim/press` -> `{ atm: 'atm-1', device: 'keypad', channel: 'sim', name: 'press' }`. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== 'atm') return undefined;
  if (parts.length === 4 && parts[3] === 'state') return { atm: parts[1]!, device: parts[2]!, channel: 'state' };
  if (parts.length === 5 && (parts[3] === 'cmd' || parts[3] === 'evt' || parts[3] === 'sim')) {
    return { atm: parts[1]!, device: parts[2]!, channel: parts[3], name: parts[4]! };
  }
  return undefined;
}

/** ATM ids and device names are single topic levels: no wildcards, separators or control characters. */
export const TOPIC_LEVEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
