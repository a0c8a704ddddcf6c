/**
 * "Did you mean …?" for names a user types: config and profile keys, CLI options, device kinds. Levenshtein
 * distance (insertions, deletions, substitutions; a swap of two letters counts 2), small enough to catch typos
 * such as `lenght` or `brokr`, not so loose that it suggests an unrelated name.
 */
export function levenshtein(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/** The candidate nearest to `word`, if one is near enough to be a typo of it (or `word` is a prefix of it). */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const n = name.toLowerCase();
    // A prefix such as `finger` for `fingerprint` is a shortening, not a typo: count it as close.
    const d = n.startsWith(w) && w.length >= 3 ? 1 : levenshtein(w, n);
    if (!best || d < best.d) best = { name, d };
  }
  if (!best) return undefined;
  return best.d <= Math.max(2, Math.floor(word.length / 3)) && best.d < Math.max(word.length, best.name.length) ? best.name : undefined;
}

/** ` (did you mean "x"?)`, or nothing when no candidate is close. */
export function didYouMean(word: string, candidates: Iterable<string>, quote = '"'): string {
  const n = nearest(word, candidates);
  return n === undefined ? '' : ` (did you mean ${quote}${n}${quote}?)`;
}
