/** How docs/topics.md describes this device's topics: `npm run generate` writes its section from this. */
import type { DeviceReference } from '../module.ts';

export const reference: DeviceReference = {
  heading: 'keypad',
  rows: [
    ['sim', 'press', '`{"key": "5"}`: `0`-`9`, `A`-`Z`, `ENTER`, `CANCEL`, `CLEAR`'],
    ['evt', 'key', '`{"key": "5"}`'],
  ],
  notes: 'Letters exist because the three-tier design extends the keypad with letters for its alphanumeric password.',
};
