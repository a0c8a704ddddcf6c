/** How docs/topics.md describes this device's topics: `npm run generate` writes its section from this. */
import type { DeviceReference } from '../module.ts';

export const reference: DeviceReference = {
  heading: 'keypad',
  rows: [
    ['sim', 'press', '`{"key": "5"}`: `0`-`9`, `A`-`Z`, `ENTER`, `CANCEL`, `CLEAR`, and the FDKs `FDKA`-`FDKD`, `FDKF`-`FDKI`'],
    ['evt', 'key', '`{"key": "5"}`'],
  ],
  notes:
    'Letters exist because the three-tier design extends the keypad with letters for its alphanumeric password. ' +
    'The FDKs are the screen-side function keys, named as NDC names them: `FDKA`-`FDKD` down the left edge of the ' +
    "LCD, `FDKF`-`FDKI` down its right. At the menu each selects what its line shows: a left key the line's first " +
    'entry, a right key its second, and either key of the "CANCEL to end" line ends the session. Elsewhere they do nothing.',
};
