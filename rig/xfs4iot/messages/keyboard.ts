/** Keyboard (shared/reference/xfs4iot.md §4.2): the rig's keypad, its digits, ENTER, CANCEL, CLEAR and the FDKs. */
import { z } from 'zod';
import { command, Empty, event } from './spec.ts';

/** The XFS4IoT names of the keys this keypad has (the letter keys are TextTerminal.Read's: docs/xfs4iot.md). */
export const KEYBOARD_KEYS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'enter',
  'cancel',
  'clear',
  'fdk01',
  'fdk02',
  'fdk03',
  'fdk04',
  'fdk05',
  'fdk06',
  'fdk07',
  'fdk08',
] as const;
export type KeyboardKey = (typeof KEYBOARD_KEYS)[number];

/** Key names a client may send: any spec-shaped name, so a key this keypad lacks gets `keyNotSupported`, not a
 *  schema error. */
const KeyName = z
  .string()
  .regex(
    /^(zero|one|two|three|four|five|six|seven|eight|nine|[a-f]|enter|cancel|clear|backspace|help|decPoint|shift|doubleZero|tripleZero|fdk(0[1-9]|[12][0-9]|3[0-2])|oem[0-9]{2})$/,
    'a key name',
  );

export const KEY_COMPLETIONS = ['auto', 'enter', 'cancel', 'continue', 'clear', 'backspace', 'fdk', 'help', 'fk', 'contFdk'] as const;
const KeyCompletion = z.enum(KEY_COMPLETIONS);

export const DataEntry = command('Keyboard.DataEntry', {
  payload: z.strictObject({
    maxLen: z.number().int().min(0).max(1000).optional(),
    autoEnd: z.boolean().optional(),
    activeKeys: z.record(KeyName, z.strictObject({ terminate: z.boolean() })).optional(),
  }),
  completion: z.strictObject({
    keys: z.number().int().min(0),
    pinKeys: z.array(z.strictObject({ completion: KeyCompletion.optional(), digit: z.enum(KEYBOARD_KEYS) })),
    completion: KeyCompletion,
  }),
  errorCodes: ['keyInvalid', 'keyNotSupported', 'noActivekeys'],
});

export const EnterDataEvent = event('Keyboard.EnterDataEvent', Empty);
export const KeyEvent = event(
  'Keyboard.KeyEvent',
  z.strictObject({ completion: KeyCompletion.optional(), digit: z.enum(KEYBOARD_KEYS).optional() }),
);

export const KeyboardStatus = z.strictObject({
  autoBeepMode: z.strictObject({ activeAvailable: z.boolean(), inactiveAvailable: z.boolean() }),
});
export const KeyboardCapabilities = z.strictObject({
  autoBeep: z.strictObject({
    activeAvailable: z.boolean(),
    activeSelectable: z.boolean(),
    inactiveAvailable: z.boolean(),
    inactiveSelectable: z.boolean(),
  }),
  etsCaps: z.array(z.unknown()).max(0),
});
