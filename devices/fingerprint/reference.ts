/** How docs/topics.md describes this device's topics: `npm run generate` writes its section from this. */
import type { DeviceReference } from '../module.ts';

export const reference: DeviceReference = {
  heading: 'fingerprint (sensor)',
  rows: [
    ['sim', 'place', '`{"customerId": "C0001", "finger": 3, "quality": 100, "spoof": false}`'],
    [
      'evt',
      'captured',
      '`{"template": "<base64>", "quality": 100}`; with `match: module`, also `"matchedOnModule": {"page": 7, "score": 180}`',
    ],
    ['state', '', '`{"captures": <count>}`'],
  ],
  notes:
    '`finger` is 1-10 in the ANSI/NIST-ITL finger position codes: 1 right thumb, 2 right index, 3 right middle,\n4 right ring, 5 right little, 6 left thumb, 7 left index, 8 left middle, 9 left ring, 10 left little.\nLeave out `customerId` for a stranger\'s finger. Set `quality` below 100 for a dirty, cut or damaged finger:\nthat share of the template is noise, and below about 60 it no longer matches. `spoof: true` is an artificial\ncopy (wax) of that finger. It reads like the real one, as the random-finger design warns, unless the ATM\'s\nsensor has liveness detection (`fingerprint.liveness` in the config), which answers `evt/error`\n`{"code": "spoof-detected"}`.',
};
