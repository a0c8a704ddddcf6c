/**
 * The keys of an ATM keypad: digits, letters A-Z (the extended keypad of the three-tier design) and the control
 * keys. The keypad device sends them, the session machine reads them: a vocabulary both share, so it lives on the
 * ground floor.
 */
export type Key = string;
export const CONTROL_KEYS = ['ENTER', 'CANCEL', 'CLEAR'] as const;
/** The screen-side function keys (FDKs), named as NDC names them: A-D down the LCD's left edge, F-I down its right. */
export const FDK_KEYS = ['FDKA', 'FDKB', 'FDKC', 'FDKD', 'FDKF', 'FDKG', 'FDKH', 'FDKI'] as const;
export const KEY_PATTERN = /^(?:[0-9A-Z]|ENTER|CANCEL|CLEAR|FDK[A-DF-I])$/;
