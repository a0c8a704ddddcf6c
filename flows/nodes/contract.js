// Generated from devices/registry.ts by `npm run generate`: do not edit by hand.
// The topic contract's names, for validating what a flow asks for.
module.exports = {
  devices: ["card","keypad","fingerprint","lcd","gsm","dispenser","printer"],
  cmd: {
    "card": ["eject","retain"],
    "keypad": [],
    "fingerprint": [],
    "lcd": ["show","clear"],
    "gsm": ["send"],
    "dispenser": ["dispense"],
    "printer": ["print"],
  },
  sim: {
    "card": ["insert","remove"],
    "keypad": ["press"],
    "fingerprint": ["place"],
    "lcd": [],
    "gsm": ["network","receive","fault"],
    "dispenser": ["jam","hang","rejects","miscount","take","refill"],
    "printer": ["paper","cover","take"],
  },
  // The topic builders of devices/topics.ts in plain JavaScript (devices/generate.test.ts checks they build the
  // same topics): the nodes build no topic by hand.
  topics: {
    device: (atm, device, channel, name) => `atm/${atm}/${device}/${channel}/${name}`,
    deviceState: (atm, device) => `atm/${atm}/${device}/state`,
    sessionState: (atm) => `atm/${atm}/session/state`,
    sessionEvent: (atm, name) => `atm/${atm}/session/evt/${name}`,
    phoneInbox: (msisdn) => `phone/${msisdn.replace(/^\+/, '')}/inbox`,
    phones: "phone/+/inbox",
  },
  keys: /^(?:[0-9A-Z]|ENTER|CANCEL|CLEAR|FDK[A-DF-I])$/,
  msisdn: /^\+\d{7,15}$/,
  level: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
};
