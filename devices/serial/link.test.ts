// A SerialLink closed while its port was still opening: the open finished after close(), the link said `up`, and the
// port stayed open and locked, so the next open of that path failed with "Cannot lock port" (attack review). Over a
// real pseudo-terminal pair (socat).
import { readdirSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SerialLink } from './link.ts';
import { openPtyPair } from './pty.ts';

const openFds = (path: string) =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;

describe('a serial link closed while opening', () => {
  it.each([
    ['at once', async () => {}],
    ['after a turn of the event loop', () => new Promise((r) => setImmediate(r))],
    ['after a timer', () => new Promise((r) => setTimeout(r, 0))],
    ['a few ms in', () => new Promise((r) => setTimeout(r, 5))],
  ])('%s: says nothing more, and lets the port go for the next open', async (_when, wait) => {
    const pair = await openPtyPair();
    try {
      const link = new SerialLink({ path: pair.a, baudRate: 57600 });
      const events: string[] = [];
      link.on('up', () => events.push('up'));
      link.start();
      await wait();
      await link.close();
      const said = events.length;
      await new Promise((r) => setTimeout(r, 300));
      expect(events.length).toBe(said);
      expect(link.isUp).toBe(false);
      expect(openFds(pair.a)).toBe(0);
      // The next link on the same path opens.
      const next = new SerialLink({ path: pair.a, baudRate: 57600 });
      const up = new Promise<void>((r) => next.once('up', () => r()));
      next.start();
      await up;
      await next.close();
    } finally {
      await pair.close();
    }
  });
});
