import { describe, expect, it } from 'vitest';
import { createRandom } from './random.ts';

describe('seeded randomness', () => {
  it('bytes() draws exactly what int(0, 255) would: templates enrolled before stay the same bytes', () => {
    const a = createRandom('finger:C0001:3');
    const b = createRandom('finger:C0001:3');
    const bytes = a.bytes(4096);
    expect([...bytes]).toEqual(Array.from({ length: 4096 }, () => b.int(0, 255)));
    // And the stream goes on from the same state.
    expect(a.next()).toBe(b.next());
  });
});
