/**
 * Generalisation hierarchies for quasi-identifiers, declared as data (hierarchies.json). Level 0 is the value as
 * it is; each higher level is coarser; the last level of every hierarchy is "*" (fully suppressed), as in ARX and
 * Amnesia. Three kinds cover the export:
 *   - interval: numbers into bands of growing width (age, balance)
 *   - mask: strings with more and more trailing characters replaced by "*" (card numbers)
 *   - map: categories mapped up explicit tables (city -> province -> country)
 */
import { z } from 'zod';
import { strictObject, unknownDiscriminator } from '../../core/strict-schema.ts';

const Interval = strictObject({
  type: z.literal('interval'),
  /** Band widths for levels 1..n-1, each a multiple of the one below; level n is "*". */
  widths: z.array(z.number().positive()).min(1),
  /** Bands start here (for example 0 for balances). */
  origin: z.number().default(0),
}).superRefine((h, ctx) => {
  // Each band must lie inside one band of the next level, or a higher level would not generalise a lower one;
  // Flash relies on that (a generalisation of an anonymous node is anonymous) and would miss the optimum.
  h.widths.forEach((w, i) => {
    const below = h.widths[i - 1];
    if (below !== undefined && (w <= below || !Number.isInteger(w / below))) {
      ctx.addIssue({
        code: 'custom',
        path: ['widths', i],
        message: `level ${i + 1} (width ${w}) does not generalise level ${i} (width ${below}): each width must be a larger multiple of the one below, e.g. [5, 10, 20]`,
      });
    }
  });
});
const Mask = strictObject({
  type: z.literal('mask'),
  /** How many trailing characters each level hides, growing; the last level hides all. */
  masked: z.array(z.number().int().positive()).min(1),
}).superRefine((h, ctx) => {
  h.masked.forEach((n, i) => {
    const below = h.masked[i - 1];
    if (below !== undefined && n <= below) {
      ctx.addIssue({
        code: 'custom',
        path: ['masked', i],
        message: `level ${i + 1} hides ${n} characters, level ${i} already ${below}: each level must hide more than the one below`,
      });
    }
  });
});
const MapLevels = strictObject({
  type: z.literal('map'),
  /** One table per level; a value missing from a table goes to "*". Tables apply in turn, so levels nest. */
  levels: z.array(z.record(z.string(), z.string())),
});
const HIERARCHY_TYPES = [Interval, Mask, MapLevels] as const;
export const HierarchySchema = z.discriminatedUnion('type', HIERARCHY_TYPES, {
  error: unknownDiscriminator(
    'type',
    HIERARCHY_TYPES.map((h) => h.shape.type.value),
  ),
});
export type Hierarchy = z.infer<typeof HierarchySchema>;

export const HierarchiesFileSchema = strictObject({
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
