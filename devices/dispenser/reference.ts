/** How docs/topics.md describes this device's topics: `npm run generate` writes its section from this. */
import type { DeviceReference } from '../module.ts';

export const reference: DeviceReference = {
  heading: 'dispenser (cash)',
  rows: [
    [
      'cmd',
      'dispense',
      '`{"ref": "atm-1-0a1b2c-1", "amount": 20000, "deadline": <rig ms>}`: `deadline` (optional) is when the ATM gives up; a command that arrives later fails with `expired` and pays nothing. A `ref` seen again is answered again, never paid twice',
    ],
    ['evt', 'dispensed', '`{"ref": "...", "amount": 20000, "notes": {"10000": 2}}`: denominations in minor units'],
    [
      'evt',
      'failed',
      '`{"ref": "...", "reason": "jam" \\| "cannot-make-amount" \\| "short" \\| "offline" \\| "expired", "message": "..."}`',
    ],
    ['evt', 'taken', '`{}`: the customer took the notes'],
    ['sim', 'jam', '`{"on": true}`: every dispense fails with `jam`'],
    ['sim', 'hang', '`{"on": true}`: commands are taken and never answered (the ATM\'s dispense timeout acts)'],
    [
      'sim',
      'rejects',
      '`{"notes": 2}`: each dispense rejects that many notes to the reject box; up to 3 are replaced from the cassette, more fails the dispense (`jam`, "too many rejected notes"); 0 clears it',
    ],
    [
      'sim',
      'miscount',
      '`{"notes": 1}`: each dispense reports that many notes fewer than it presents (a miscounting sensor); the ATM does not debit a dispense whose count does not add up to the amount asked (`dispenser miscount`, "Account not debited"); 0 clears it',
    ],
    ['sim', 'take', '`{}`'],
    ['sim', 'refill', '`{"cassettes": [{"denomination": 10000, "count": 200}]}`'],
    [
      'state',
      '',
      '`{"cassettes": [...], "jammed": false, "hung": false, "presented": <minor units waiting>, "rejected": <notes in the reject box>}`',
    ],
  ],
  notes:
    'The dispenser pays the fewest notes it can from what its cassettes hold, at most 40 notes a bundle.\n`short` means the cassettes are too empty for this amount; `cannot-make-amount` means no notes could make it.',
};
