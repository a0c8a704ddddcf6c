/** What the role commands' banners and messages share. */
import { paint } from '../ui.ts';

/** atm-1..atm-200 as a person typed it, not 200 names. */
export function summarise(ids: readonly string[]): string {
  return ids.length <= 4 ? ids.join(', ') : `${ids[0]}, ${ids[1]}, ... ${ids[ids.length - 1]}`;
}

/** A warning line when a role listens on loopback only: no other host reaches it. */
export function onlyHere(host: string, option: string): string[] {
  if (!/^(127\.|::1$|localhost$)/.test(host)) return [];
  return [paint('yellow', `  listening   on ${host} only: ${option} 0.0.0.0 lets ATM hosts on other machines in`)];
}
