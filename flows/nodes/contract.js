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
    "dispenser": ["jam","hang","rejects","take","refill"],
    "printer": ["paper","cover","take"],
  },
  keys: /^(?:[0-9A-Z]|ENTER|CANCEL|CLEAR)$/,
  msisdn: /^\+\d{7,15}$/,
  level: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
};
