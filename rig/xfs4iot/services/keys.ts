/**
 * The keypad's keys (docs/topics.md: `0`-`9`, `A`-`Z`, ENTER, CANCEL, CLEAR, FDKA-FDKD, FDKF-FDKI) in XFS4IoT's
 * names. The FDKs are numbered down the left edge, then down the right: FDKA-FDKD are fdk01-fdk04, FDKF-FDKI are
 * fdk05-fdk08 (NDC letters skip E). Letters have no Keyboard name (its a-f are hex digits): they are TextTerminal
 * data keys, typed with TextTerminal.Read.
 */
import type { KeyboardKey } from '../messages/keyboard.ts';
import type { CommandKey } from '../messages/text-terminal.ts';

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;
const FDKS: Record<string, CommandKey> = {
  FDKA: 'fdk01',
  FDKB: 'fdk02',
  FDKC: 'fdk03',
  FDKD: 'fdk04',
  FDKF: 'fdk05',
  FDKG: 'fdk06',
  FDKH: 'fdk07',
  FDKI: 'fdk08',
};
const COMMANDS: Record<string, CommandKey> = { ENTER: 'enter', CANCEL: 'cancel', CLEAR: 'clear', ...FDKS };

/** A key press as a Keyboard key, or undefined for a letter. */
export function keyboardKey(rigKey: string): KeyboardKey | undefined {
  if (/^[0-9]$/.test(rigKey)) return DIGITS[Number(rigKey)];
  return Object.hasOwn(COMMANDS, rigKey) ? COMMANDS[rigKey] : undefined;
}

/** A Keyboard digit key's character ('one' -> '1'), or undefined for other keys. */
export function digitOf(key: string): string | undefined {
  const i = (DIGITS as readonly string[]).indexOf(key);
  return i < 0 ? undefined : String(i);
}

/** TextTerminal's data keys: the characters the keypad can type. */
export const DATA_KEYS: readonly string[] = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** A key press as TextTerminal sees it: a data key (one character) or a command key. */
export function terminalKey(rigKey: string): { key: string } | { commandKey: CommandKey } | undefined {
  if (DATA_KEYS.includes(rigKey)) return { key: rigKey };
  return Object.hasOwn(COMMANDS, rigKey) ? { commandKey: COMMANDS[rigKey]! } : undefined;
}
