/** How docs/topics.md describes this device's topics: `npm run generate` writes its section from this. */
import type { DeviceReference } from '../module.ts';

export const reference: DeviceReference = {
  heading: 'lcd (4 × 20 character display)',
  rows: [
    ['cmd', 'show', '`{"lines": ["four", "strings of", "at most 20", "characters"]}`'],
    ['cmd', 'clear', '`{}`'],
    ['state', '', '`{"lines": [4 strings], "cols": 20, "rows": 4}`'],
  ],
};
