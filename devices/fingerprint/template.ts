/**
 * Synthetic fingerprint templates for the virtual sensor. A finger's template is a property of the person, so it
 * is derived from (customerId, finger) alone: the template enrolled by the seed and the one the virtual sensor
 * captures years later are the same bytes. 512 bytes, the character-file size of the ZFM-20 / R307 modules.
 * Captures can be degraded (dirt, a damaged finger) by replacing a share of the bytes with noise.
 */
import { createRandom, type Random } from '../../core/random.ts';

export const TEMPLATE_BYTES = 512;

export function synthTemplate(customerId: string, finger: number): string {
  return Buffer.from(createRandom(`finger:${customerId}:${finger}`).bytes(TEMPLATE_BYTES)).toString('base64');
}

/** A capture of `template` at `quality` percent: 100 is a clean read, 0 is pure noise. */
export function degrade(template: string, quality: number, random: Random): string {
  if (quality >= 100) return template;
  const bytes = Buffer.from(template, 'base64');
  const noisy = Math.round((bytes.length * (100 - Math.max(0, quality))) / 100);
  for (let i = 0; i < noisy; i++) bytes[random.int(0, bytes.length - 1)] = random.int(0, 255);
  return bytes.toString('base64');
}

/** A finger nobody enrolled (a stranger, or a wax copy of nothing we know). */
export function strangerTemplate(random: Random): string {
  return Buffer.from(random.bytes(TEMPLATE_BYTES)).toString('base64');
}
