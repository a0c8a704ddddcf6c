/**
 * The session mix of a load run: `happy=0.8,wrong-pin=0.1,otp-expired=0.05,...` (shares, normalised to 1), and the
 * seeded choice of each session's kind, so a run replays with its seed.
 */
import type { Random } from '../../core/random.ts';
import { didYouMean } from '../../core/suggest.ts';

export const SESSION_KINDS = ['happy', 'wrong-pin', 'wrong-finger', 'otp-expired', 'cancel'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export type Mix = [SessionKind, number][];

export const DEFAULT_MIX = 'happy=0.8,wrong-pin=0.1,wrong-finger=0.05,otp-expired=0.03,cancel=0.02';
/** A lab's ATMs run a profile the load run does not know: how long their OTP lives is not known, so no otp-expired. */
export const LAB_MIX = 'happy=0.83,wrong-pin=0.1,wrong-finger=0.05,cancel=0.02';

export function parseMix(text: string): Mix {
  const mix: Mix = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z-]+)=(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) throw new Error(`--mix: "${part}" is not kind=share (e.g. happy=0.8)`);
    const kind = m[1]!;
    if (!(SESSION_KINDS as readonly string[]).includes(kind))
      throw new Error(`--mix: no session kind "${kind}"${didYouMean(kind, SESSION_KINDS)}; kinds: ${SESSION_KINDS.join(', ')}`);
    if (mix.some(([k]) => k === kind)) throw new Error(`--mix: ${kind} is given twice`);
    mix.push([kind as SessionKind, Number(m[2])]);
  }
  const total = mix.reduce((s, [, w]) => s + w, 0);
  if (!(total > 0)) throw new Error('--mix: the shares add up to nothing');
  return mix.map(([k, w]) => [k, w / total]);
}

export function pickKind(mix: Mix, random: Random): SessionKind {
  let r = random.next();
  for (const [kind, share] of mix) {
    if (r < share) return kind;
    r -= share;
  }
  return mix.at(-1)![0];
}
