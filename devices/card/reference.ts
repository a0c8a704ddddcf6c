/** How docs/topics.md describes this device's topics: `npm run generate` writes its section from this. */
import type { DeviceReference } from '../module.ts';

export const reference: DeviceReference = {
  heading: 'card (card reader)',
  rows: [
    ['sim', 'insert', '`{"pan": "4000001234567899"}` (12-19 digits)'],
    ['sim', 'remove', '`{}`: the person takes the card from the slot (only after an eject)'],
    ['evt', 'inserted', '`{"pan": "..."}`'],
    ['evt', 'removed', '`{}`'],
    ['evt', 'ejected', "`{}`: the card is in the slot's mouth"],
    ['evt', 'retained', '`{}`: the card went into the capture bin'],
    ['cmd', 'eject', '`{}`'],
    ['cmd', 'retain', '`{}`'],
    ['state', '', '`{"slot": "empty" \\| "inside" \\| "presented", "retained": <count>}`'],
  ],
  notes: 'Device errors: `slot-busy`, `card-held` (remove while the reader holds it), `no-card`.',
};
