/** ATM ids as a person types them: `atm-1..atm-200`, `atm-1,atm-7`, both (`atm-1..atm-3,lobby`), or a count (`50`: atm-1..atm-50). */
import { TOPIC_LEVEL } from '../devices/topics.ts';

/** Most ATMs one range may name: a typo like atm-1..atm-1000000 is refused, not started. */
export const MAX_ATM_IDS = 10_000;

export function parseAtmIds(input: string, option = '--atms'): string[] {
  const ids: string[] = [];
  let text = input;
  if (/^\d+$/.test(text.trim())) text = `atm-1..atm-${Number(text)}`;
  if (text.trim() === '' || text.trim() === 'atm-1..atm-0') throw new Error(`${option} ${text}: name at least one ATM`);
  for (const part of text.split(',').map((p) => p.trim())) {
    const range = /^(.*?)(\d+)\.\.(.*?)(\d+)$/.exec(part);
    if (range) {
      const [, prefix, from, prefix2, to] = range as unknown as [string, string, string, string, string];
      if (prefix2 !== '' && prefix2 !== prefix)
        throw new Error(`${option} ${text}: a range keeps one prefix, like atm-1..atm-200 (not ${prefix}..${prefix2})`);
      const a = Number(from);
      const b = Number(to);
      if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) throw new Error(`${option} ${text}: ${part} has numbers too large`);
      if (b < a) throw new Error(`${option} ${text}: ${part} runs backwards`);
      if (b - a + 1 + ids.length > MAX_ATM_IDS) throw new Error(`${option} ${text}: more than ${MAX_ATM_IDS} ATMs`);
      // Digits as typed: atm-01..atm-10 keeps its leading zeros.
      const width = from.startsWith('0') ? from.length : 0;
      for (let n = a; n <= b; n++) ids.push(`${prefix}${String(n).padStart(width, '0')}`);
    } else ids.push(part);
  }
  for (const id of ids)
    if (!TOPIC_LEVEL.test(id)) throw new Error(`${option} ${text}: "${id}" is not an ATM id (letters, digits, dot, dash, underscore)`);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new Error(`${option} ${text}: ${id} is named twice`);
    seen.add(id);
  }
  return ids;
}
