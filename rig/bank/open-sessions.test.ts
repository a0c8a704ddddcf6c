import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { OpenSessions } from './open-sessions.ts';

describe('one session per customer across ATMs', () => {
  it('refuses a second ATM while the first holds the customer, and frees her when its session ends', () => {
    const holds = new OpenSessions(new ManualClock(), 60_000);
    expect(holds.claim('C0001', 'atm-1')).toBe(true);
    expect(holds.claim('C0001', 'atm-1')).toBe(true); // the same ATM again (her next card read)
    expect(holds.claim('C0001', 'atm-2')).toBe(false);
    expect(holds.claim('C0002', 'atm-2')).toBe(true); // someone else is welcome
    holds.release('atm-1');
    expect(holds.claim('C0001', 'atm-2')).toBe(true);
    expect(holds.holder('C0001')).toBe('atm-2');
    expect(holds.holder('C0002')).toBeUndefined(); // atm-2 holds one customer at a time
  });

  it('lets a hold lapse, so an ATM that died mid-session does not lock its customer out', async () => {
    const clock = new ManualClock();
    const holds = new OpenSessions(clock, 60_000);
    holds.claim('C0001', 'atm-1');
    await clock.advance(60_001);
    expect(holds.claim('C0001', 'atm-2')).toBe(true);
  });
});
