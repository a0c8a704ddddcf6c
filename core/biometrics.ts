/**
 * Fingerprint matching, as the bank's switch does it. Templates are opaque bytes (base64); the score is the
 * share of equal bytes, 0-100. Synthetic templates from the virtual sensor are random bytes per finger, so
 * two different fingers score about 0 and a clean capture of the same finger scores 100; a noisy capture scores
 * in between, and the threshold decides. A real sensor's templates would need the sensor's own matcher
 * (the ZFM modules match on the module; see docs/devices).
 */
export const MATCH_THRESHOLD = 60;

export function matchScore(a: string, b: string): number {
  const x = Buffer.from(a, 'base64');
  const y = Buffer.from(b, 'base64');
  if (x.length === 0 || x.length !== y.length) return 0;
  let same = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === y[i]) same++;
  return Math.round((same * 100) / x.length);
}
