import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { OpenSessions } from './open-sessions.ts';

describe('one session per customer across ATMs', () => {
  it('refuses a second ATM while the first holds the customer, confirmed by her secret, and frees her when its session ends', () => {
    const holds = new OpenSessions(new ManualClock(), 60_000);
    expect(holds.claim('C0001', 'atm-1')).toBe(true);
    expect(holds.confirm('C0001', 'atm-1')).toBe(true); // her PIN checked at atm-1
    expect(holds.claim('C0001', 'atm-2')).toBe(false);
    expect(holds.claim('C0002', 'atm-2')).toBe(true); // someone else is welcome
    holds.release('atm-1');
    expect(holds.claim('C0001', 'atm-2')).toBe(true);
    expect(holds.identified('C0001', 'atm-2')).toBe(true);
    expect(holds.identified('C0002', 'atm-2')).toBe(false); // atm-2 holds one customer at a time
  });

  // The attack review kept a confirmed hold alive for two hours by reading the card every 14 minutes.
  it('starts every identification unconfirmed: a card read again neither keeps the last check nor the hold alive', async () => {
    const clock = new ManualClock();
    const holds = new OpenSessions(clock, 60_000);
    holds.claim('C0001', 'atm-1');
    holds.confirm('C0001', 'atm-1');
    await clock.advance(50_000);
    expect(holds.claim('C0001', 'atm-1')).toBe(true); // her card read again
    expect(holds.confirmedHolder('C0001')).toBeUndefined();
    expect(holds.claim('C0001', 'atm-2')).toBe(true);
  });

  it('lets both ATMs that identified her check her secret: the first to pass keeps her, the other is refused', () => {
    const holds = new OpenSessions(new ManualClock(), 60_000);
    holds.claim('C0001', 'atm-1'); // her card
    holds.claim('C0001', 'atm-2'); // a copy of it
    expect([holds.identified('C0001', 'atm-1'), holds.identified('C0001', 'atm-2')]).toEqual([true, true]);
    expect(holds.confirm('C0001', 'atm-1')).toBe(true); // her PIN at atm-1 first
    expect(holds.confirm('C0001', 'atm-2')).toBe(false);
    expect(holds.confirmedHolder('C0001')).toBe('atm-1');
  });

  it('confirms only at the ATM that identified her: a PIN typed at an ATM that never read her card checks nothing', () => {
    const holds = new OpenSessions(new ManualClock(), 60_000);
    expect(holds.confirm('C0001', 'atm-9')).toBe(false);
    expect(holds.confirmedHolder('C0001')).toBeUndefined();
  });

  it('lets a hold lapse, so an ATM that died mid-session does not lock its customer out', async () => {
    const clock = new ManualClock();
    const holds = new OpenSessions(clock, 60_000);
    holds.claim('C0001', 'atm-1');
    holds.confirm('C0001', 'atm-1');
    await clock.advance(60_001);
    expect(holds.claim('C0001', 'atm-2')).toBe(true);
  });

  it('a hold not yet confirmed refuses nobody: her card or finger alone cannot keep her out elsewhere', () => {
    const holds = new OpenSessions(new ManualClock(), 60_000);
    expect(holds.claim('C0001', 'atm-thief')).toBe(true); // a stolen card read, no PIN
    expect(holds.claim('C0001', 'atm-2')).toBe(true); // she is welcome elsewhere
    expect(holds.confirm('C0001', 'atm-2')).toBe(true); // her PIN at atm-2
    expect(holds.claim('C0001', 'atm-thief')).toBe(false); // now the card is refused at the thief's ATM
    expect(holds.confirm('C0001', 'atm-thief')).toBe(false); // and so is a PIN typed there
  });

  it('of two ATMs that identified her, the first to check her secret keeps the session', () => {
    const holds = new OpenSessions(new ManualClock(), 60_000);
    holds.claim('C0001', 'atm-1');
    holds.claim('C0001', 'atm-2');
    expect(holds.confirm('C0001', 'atm-2')).toBe(true);
    expect(holds.confirm('C0001', 'atm-1')).toBe(false);
    expect(holds.confirmedHolder('C0001')).toBe('atm-2');
  });
});
