/** How docs/topics.md describes this device's topics: `npm run generate` writes its section from this. */
import type { DeviceReference } from '../module.ts';

export const reference: DeviceReference = {
  heading: 'printer (receipt printer)',
  rows: [
    [
      'cmd',
      'print',
      '`{"ref": "atm-1-0a1b2c-1", "lines": ["ATM atm-1", "WITHDRAWAL ZMW 200.00", ...]}`: at most 60 lines of 48 characters',
    ],
    ['evt', 'printed', '`{"ref", "lines"}`: the receipt is out'],
    ['evt', 'failed', '`{"ref", "reason": "paper-out" \\| "cover-open" \\| "offline", "message"}`'],
    ['sim', 'paper', '`{"state": "ok" \\| "low" \\| "out"}`: the paper roll'],
    ['sim', 'cover', '`{"open": true}`: the printer\'s cover'],
    ['sim', 'take', '`{}`: the customer takes the receipt from the slot'],
    ['state', '', '`{"paper", "coverOpen", "printed": <count>, "lastReceipt": [lines] \\| null}`'],
  ],
  notes:
    'The controller sends `print` whenever the session emits `receipt` (after a withdrawal and a mini statement). The\nprinter is optional: out of paper or offline, it fails the receipt (`evt/failed`), and the ATM stays in service.',
};
