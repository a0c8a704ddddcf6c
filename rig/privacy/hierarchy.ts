/**
 * Generalisation hierarchies for quasi-identifiers, declared as data (hierarchies.json). Level 0 is the value as
 * it is; each higher level is coarser; the last level of every hierarchy is "*" (fully suppressed), as in ARX and
 * Amnesia. Three kinds cover the export:
 *   - interval: numbers into bands of growing width (age, balance)
 *   - mask: strings with more and more trailing characters replaced by "*" (card numbers)
 *   - map: categories mapped up explicit tables (city -> province -> country)
 */
import { z } from 'zod';

const Interval = z.object({
  type: z.literal('interval'),
  /** Band widths for levels 1..n-1, growing; level n is "*". */
  widths: z.array(z.number().positive()).min(1),
  /** Bands start here (for example 0 for balances). */
  origin: z.number().default(0),
});
const Mask = z.object({
  type: z.literal('mask'),
  /** How many trailing characters each level hides, growing; the last level hides all. */
  masked: z.array(z.number().int().positive()).min(1),
});
const MapLevels = z.object({
  type: z.literal('map'),
  /** One table per level; a value missing from a table goes to "*". */
  levels: z.array(z.record(z.string(), z.string())),
});
export const HierarchySchema = z.discriminatedUnion('type', [Interval, Mask, MapLevels]);
export type Hierarchy = z.infer<typeof HierarchySchema>;

export const HierarchiesFileSchema = z.object({
  /** The quasi-identifiers, in column order, each with its hierarchy. */
  quasiIdentifiers: z.record(z.string(), HierarchySchema).refine((q) => Object.keys(q).length >= 1, 'at least one quasi-identifier'),
});
export type HierarchiesFile = z.infer<typeof HierarchiesFileSchema>;

/** Number of levels including 0 (as is) and the top ("*"). */
export function height(h: Hierarchy): number {
  switch (h.type) {
    case 'interval':
      return h.widths.length + 2;
    case 'mask':
      return h.masked.length + 2;
    case 'map':
      return h.levels.length + 2;
  }
}

export function generalise(h: Hierarchy, value: string, level: number): string {
  const top = height(h) - 1;
  if (level <= 0) return value;
  if (level >= top) return '*';
  switch (h.type) {
    case 'interval': {
      const n = Number(value);
      if (!Number.isFinite(n)) return '*';
      const w = h.widths[level - 1]!;
      const lo = h.origin + Math.floor((n - h.origin) / w) * w;
      return `${lo}-${lo + w - 1}`;
    }
    case 'mask': {
      const hide = Math.min(value.length, h.masked[level - 1]!);
      return value.slice(0, value.length - hide) + '*'.repeat(hide);
    }
    case 'map': {
      let v = value;
      for (let l = 0; l < level; l++) v = h.levels[l]![v] ?? '*';
      return v;
    }
  }
}
