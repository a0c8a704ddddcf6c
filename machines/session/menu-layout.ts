/**
 * The menu as the LCD lays it out: each transaction under its key (TX_OPTIONS), two to a line where they fit, and
 * "CANCEL to end" on the line after. The screen-side function keys (FDKs) select what their line shows: the left
 * keys (FDKA-FDKD, top to bottom) the line's first entry, the right keys (FDKF-FDKI) its second.
 */
import type { AuthProfile } from '../profiles.ts';
import { TX_OPTIONS } from './context.ts';

export const LCD_COLS = 20;
export const LCD_ROWS = 4;
const LEFT_FDKS = ['FDKA', 'FDKB', 'FDKC', 'FDKD'];
const RIGHT_FDKS = ['FDKF', 'FDKG', 'FDKH', 'FDKI'];

/** The menu's entries, line by line: `[key, text]`, at most LCD_ROWS - 1 lines. */
export function menuRows(profile: Pick<AuthProfile, 'tiers' | 'transactions'>): [string, string][][] {
  const secret = profile.tiers.some((t) => t.kind === 'pin') ? 'PIN' : 'Pwd';
  const names: Record<string, string> = {
    withdraw: 'Withdraw',
    balance: 'Balance',
    transfer: 'Transfer',
    'change-secret': `New${secret}`,
    statement: 'Statement',
  };
  const rows: [string, string][][] = [];
  for (const [key, kind] of Object.entries(TX_OPTIONS)) {
    if (!profile.transactions.includes(kind)) continue;
    const item: [string, string] = [key, `${key} ${names[kind]}`];
    const last = rows.at(-1);
    if (last && last.length === 1 && last[0]![1].length + 1 + item[1].length <= LCD_COLS) last.push(item);
    else rows.push([item]);
  }
  return rows.slice(0, LCD_ROWS - 1);
}

/** The key an FDK stands for at the menu (a transaction's key, or CANCEL on the "CANCEL to end" line), if any. */
export function fdkMenuKey(profile: Pick<AuthProfile, 'tiers' | 'transactions'>, fdk: string): string | undefined {
  const left = LEFT_FDKS.indexOf(fdk);
  const line = left >= 0 ? left : RIGHT_FDKS.indexOf(fdk);
  if (line < 0) return undefined;
  const rows = menuRows(profile);
  if (line === rows.length) return 'CANCEL';
  const row = rows[line];
  return left >= 0 ? row?.[0]?.[0] : row && row.length > 1 ? row[1]![0] : undefined;
}
