// The screen-side function keys (FDKs): at the menu each selects what its line of the LCD shows; elsewhere they
// type nothing.
import { describe, expect, it } from 'vitest';
import { screenFor } from './screens.ts';
import { fdkMenuKey } from './session/menu-layout.ts';
import { passSeed001Auth, seed001, start, toPin } from './testing/session-harness.ts';

describe('FDKs', () => {
  it('select the entry beside them: left keys the first entry of a line, right keys the second', () => {
    const layout = Object.fromEntries(
      ['FDKA', 'FDKB', 'FDKC', 'FDKD', 'FDKF', 'FDKG', 'FDKH', 'FDKI'].map((k) => [k, fdkMenuKey(seed001, k)]),
    );
    const lines = screenFor(start(seed001).snap()).length;
    expect(lines).toBe(4);
    // seed001 offers all five: "1 Withdraw 2 Balance", "3 Transfer 4 NewPIN", "5 Statement", "CANCEL to end".
    expect(layout).toEqual({
      FDKA: '1',
      FDKF: '2',
      FDKB: '3',
      FDKG: '4',
      FDKC: '5',
      FDKH: undefined,
      FDKD: 'CANCEL',
      FDKI: 'CANCEL',
    });
    expect(fdkMenuKey(seed001, 'A')).toBeUndefined();
  });

  it('drive the menu: FDKA withdraws, and the FDK beside "CANCEL to end" ends the session', async () => {
    const t = start(seed001);
    await passSeed001Auth(t);
    expect(screenFor(t.snap())).toEqual(['1 Withdraw 2 Balance', '3 Transfer 4 NewPIN', '5 Statement', 'CANCEL to end']);
    t.press('FDKF');
    await t.at('session.result');
    expect(screenFor(t.snap())[0]).toBe('Available balance');
    t.press('ENTER');
    await t.at('session.menu');
    t.press('FDKD');
    await t.at('ending');
    expect(t.emitted.at(-1)).toMatchObject({ type: 'ended', reason: 'completed' });

    const again = start(seed001);
    await passSeed001Auth(again);
    again.press('FDKA');
    await again.at('session.withdraw.amount');
  });

  it('type nothing into an entry', async () => {
    const t = start(seed001);
    await toPin(t);
    t.press('FDKA', '1', 'FDKF');
    expect(t.snap().context.entry.value).toBe('1');
  });

  it("follow the profile's menu: fewer entries, fewer lines", () => {
    const two = { ...seed001, transactions: ['withdraw', 'balance'] as typeof seed001.transactions };
    expect([fdkMenuKey(two, 'FDKA'), fdkMenuKey(two, 'FDKF'), fdkMenuKey(two, 'FDKB'), fdkMenuKey(two, 'FDKC')]).toEqual([
      '1',
      '2',
      'CANCEL',
      undefined,
    ]);
  });
});
