/**
 * Zod object schemas for what users write by hand (rig config, profiles, hierarchies): unknown keys are refused, not
 * silently dropped, because a misspelt key (`"lenght": 6`) would otherwise leave the default in force without a word.
 * The message names the key and the nearest known one.
 */
import { z } from 'zod';
import { didYouMean } from './suggest.ts';

export function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const keys = issue.keys.map((k) => `"${k}"${didYouMean(k, known)}`);
      return `unknown key${keys.length > 1 ? 's' : ''} ${keys.join(', ')}; ${known.length ? `known keys: ${known.join(', ')}` : 'this takes no settings'}`;
    },
  });
}

/** The error option of a discriminated union: an unknown `kind` gets the nearest kind and the list of kinds. */
export function unknownDiscriminator(discriminator: string, values: readonly string[]) {
  return (issue: { code?: string; input?: unknown }) => {
    if (issue.code !== 'invalid_union') return undefined;
    const got = (issue.input as Record<string, unknown> | undefined)?.[discriminator];
    if (typeof got !== 'string') return `${discriminator} must be one of ${values.join(', ')}`;
    return `unknown ${discriminator} "${got}"${didYouMean(got, values)}; one of ${values.join(', ')}`;
  };
}
