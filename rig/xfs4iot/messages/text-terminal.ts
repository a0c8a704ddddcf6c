/** TextTerminal (shared/reference/xfs4iot.md §4.3): the rig's 4x20 LCD, and its keypad for TextTerminal.Read. */
import { z } from 'zod';
import { command, Empty, event } from './spec.ts';

export const COMMAND_KEYS = ['enter', 'cancel', 'clear', 'fdk01', 'fdk02', 'fdk03', 'fdk04', 'fdk05', 'fdk06', 'fdk07', 'fdk08'] as const;
export type CommandKey = (typeof COMMAND_KEYS)[number];
const CommandKeyName = z
  .string()
  .regex(
    /^(enter|cancel|clear|backspace|help|doubleZero|tripleZero|arrow(Up|Down|Left|Right)|fdk(0[1-9]|[12][0-9]|3[0-2])|oem[0-9]{2})$/,
    'a command key name',
  );
/** A data key is one character. */
const DataKey = z.string().length(1);

const Mode = z.enum(['absolute', 'relative']);
const TextAttr = z.strictObject({ underline: z.boolean().optional(), inverted: z.boolean().optional(), flash: z.boolean().optional() });
const Coordinate = z.number().int().min(-1000).max(1000);
export const Resolution = z.strictObject({ sizeX: z.number().int().min(1).max(1000), sizeY: z.number().int().min(1).max(1000) });

export const Write = command('TextTerminal.Write', {
  payload: z.strictObject({ mode: Mode, posX: Coordinate, posY: Coordinate, textAttr: TextAttr.optional(), text: z.string().max(1000) }),
  completion: Empty,
  errorCodes: ['characterSetsData'],
});

export const ClearScreen = command('TextTerminal.ClearScreen', {
  payload: z.strictObject({
    screen: z
      .strictObject({
        positionX: z.number().int().min(0).max(1000),
        positionY: z.number().int().min(0).max(1000),
        width: z.number().int().min(0).max(1000),
        height: z.number().int().min(0).max(1000),
      })
      .nullable()
      .optional(),
  }),
  completion: Empty,
});

export const SetResolution = command('TextTerminal.SetResolution', {
  payload: z.strictObject({ resolution: Resolution }),
  completion: Empty,
  errorCodes: ['resolutionNotSupported'],
});

export const Read = command('TextTerminal.Read', {
  payload: z.strictObject({
    numOfChars: z.number().int().min(0).max(1000),
    mode: Mode,
    posX: Coordinate,
    posY: Coordinate,
    echoMode: z.enum(['text', 'invisible', 'password']),
    echoAttr: TextAttr.optional(),
    visible: z.boolean(),
    flush: z.boolean(),
    autoEnd: z.boolean(),
    activeKeys: z.array(DataKey).max(256).optional(),
    activeCommandKeys: z.record(CommandKeyName, z.strictObject({ terminate: z.boolean() })).optional(),
  }),
  completion: z.strictObject({ input: z.string().max(1000).optional() }),
  errorCodes: ['keyInvalid', 'keyNotSupported', 'noActiveKeys'],
});

export const GetKeyDetail = command('TextTerminal.GetKeyDetail', {
  payload: Empty,
  completion: z.strictObject({ keys: z.array(DataKey).optional(), commandKeys: z.array(z.enum(COMMAND_KEYS)).optional() }),
  immediate: true,
});

export const Reset = command('TextTerminal.Reset', { payload: Empty, completion: Empty });

export const KeyEvent = event(
  'TextTerminal.KeyEvent',
  z.strictObject({ key: DataKey.optional(), commandKey: z.enum(COMMAND_KEYS).optional() }),
);

export const TextTerminalStatus = z.strictObject({
  keyboard: z.enum(['on', 'off']),
  keyLock: z.enum(['on', 'off']),
  displaySizeX: z.number().int().min(0),
  displaySizeY: z.number().int().min(0),
});
export const TextTerminalCapabilities = z.strictObject({
  type: z.enum(['fixed', 'removable']),
  resolutions: z.array(Resolution).min(1),
  keyLock: z.boolean(),
  cursor: z.boolean(),
  forms: z.boolean(),
});
