import { describe, expect, it } from 'vitest';
import { mapLimit } from './pool.ts';

describe('mapLimit', () => {
  it('keeps the order, runs at most `limit` at once, and lets every started call end before it throws', async () => {
    let running = 0;
    let most = 0;
    const ended: number[] = [];
    const slow = async (n: number) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5 - (n % 5)));
      running--;
      ended.push(n);
      return n * 2;
    };
    expect(await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, slow)).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(most).toBe(3);
    ended.length = 0;
    await expect(
      mapLimit([1, 2, 3], 3, async (n) => {
        if (n === 1) throw new Error('one');
        return slow(n);
      }),
    ).rejects.toThrow('one');
    expect(ended.sort()).toEqual([2, 3]);
  });
});
