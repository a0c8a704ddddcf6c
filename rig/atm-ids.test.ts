import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ATM_IDS, parseAtmIds } from './atm-ids.ts';

describe('--atms as a person types it', () => {
  it('reads ranges, lists and counts', () => {
    expect(parseAtmIds('atm-1..atm-3')).toEqual(['atm-1', 'atm-2', 'atm-3']);
    expect(parseAtmIds('atm-1..3')).toEqual(['atm-1', 'atm-2', 'atm-3']);
    expect(parseAtmIds('atm-1,lobby, atm-9..atm-10')).toEqual(['atm-1', 'lobby', 'atm-9', 'atm-10']);
    expect(parseAtmIds('2')).toEqual(['atm-1', 'atm-2']);
    expect(parseAtmIds('atm-08..atm-10')).toEqual(['atm-08', 'atm-09', 'atm-10']);
  });

  it('refuses what it cannot mean, naming the option', () => {
    expect(() => parseAtmIds('atm-3..atm-1')).toThrow(/--atms atm-3..atm-1: atm-3..atm-1 runs backwards/);
    expect(() => parseAtmIds('atm-1..lab-3')).toThrow(/one prefix/);
    expect(() => parseAtmIds('atm-1,atm-1')).toThrow(/atm-1 is named twice/);
    expect(() => parseAtmIds('atm/1')).toThrow(/not an ATM id/);
    expect(() => parseAtmIds('0')).toThrow(/at least one ATM/);
    expect(() => parseAtmIds('')).toThrow(/at least one ATM|not an ATM id/);
    expect(() => parseAtmIds(`atm-1..atm-${MAX_ATM_IDS + 1}`)).toThrow(/more than 10000 ATMs/);
    // Past 2^53 n++ stops moving: it looped for ever (attacker).
    expect(() => parseAtmIds('atm-9007199254740990..atm-9007199254740999')).toThrow(/numbers too large/);
  });

  it('either answers with valid, distinct ids or throws an Error: never anything else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          const ids = parseAtmIds(text);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids.length).toBeGreaterThan(0);
          for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message).toMatch(/^--atms /);
        }
      }),
    );
  });
});
