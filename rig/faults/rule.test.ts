// Fault rules at the boundary: strict parsing with suggestions, and a glob matcher a hostile rule cannot stall.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { createRandom } from '../../core/random.ts';
import { FaultInjector } from './injector.ts';
import { globMatches } from './rule.ts';

const reference = (glob: string, name: string) =>
  new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replace(/\*+/g, '.*')}$`).test(name);

describe('globMatches', () => {
  it('agrees with a regular-expression reference on any glob and name', () => {
    const chars = fc.constantFrom('a', 'b', '-', '.', '1', '*');
    fc.assert(
      fc.property(
        fc.string({ unit: chars, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '-', '.', '1'), maxLength: 10 }),
        (g, n) => globMatches(g, n) === reference(g, n),
      ),
      { numRuns: 3000 },
    );
  });

  it('a glob of 80 stars against a long name that does not match answers at once (no backtracking blow-up)', () => {
    // With a regular expression built from the glob, this took longer than the test's timeout.
    expect(globMatches(`${'*a'.repeat(40)}b`, 'a'.repeat(80))).toBe(false);
  });
});

describe('FaultInjector', () => {
  const injector = () => new FaultInjector(new ManualClock(), createRandom(1));

  it('refuses an unknown key or action, naming the nearest', () => {
    expect(() => injector().add({ topic: '#', action: 'dorp' })).toThrow(/unknown action "dorp" \(did you mean "drop"\?\)/);
    expect(() => injector().add({ topic: '#', action: 'drop', probabilty: 1 })).toThrow(/"probabilty" \(did you mean "probability"\?\)/);
    expect(() => injector().add({ bank: '*', action: 'reorder' })).toThrow(/unknown action "reorder"/);
    expect(() => injector().add({ action: 'drop' })).toThrow(/needs "topic".*or "bank"/);
    expect(() => injector().add({ topic: 'a/#/b', action: 'drop' })).toThrow(/not an MQTT topic filter/);
  });

  it('holds at most 64 rules, and ids are unique', () => {
    const i = injector();
    for (let n = 0; n < 64; n++) i.add({ topic: '#', action: 'drop' });
    expect(() => i.add({ topic: '#', action: 'drop' })).toThrow(/64 faults are set already/);
    i.clear('f1');
    i.clear('f2');
    i.add({ topic: '#', action: 'drop', id: 'f2x' });
    expect(() => i.add({ topic: '#', action: 'drop', id: 'f2x' })).toThrow(/called f2x is set already/);
  });

  it('refuses a rule that could never apply on this rig, and a setting its action does not use', () => {
    const i = new FaultInjector(new ManualClock(), createRandom(1), ['atm-1', 'atm-2']);
    expect(() => i.add({ bank: 'atm-9', action: 'partition' })).toThrow(/bank:atm-9 matches no ATM of this rig.*ATMs: atm-1, atm-2/);
    expect(() => i.add({ topic: 'bnak', action: 'delay' })).toThrow(/matches no topic of the rig/);
    expect(() => i.add({ topic: 'rig/#', action: 'drop' })).toThrow(/the rig's own topics/);
    expect(() => i.add({ topic: 'atm/atm-3/keypad/evt/#', action: 'drop' })).toThrow(/no ATM "atm-3"/);
    expect(() => i.add({ topic: '#', action: 'drop', ms: 500 })).toThrow(/drop takes no ms/);
    expect(() => i.add({ topic: '#', action: 'delay', corrupt: 'truncate' })).toThrow(/delay takes no corrupt/);
    expect(i.add({ bank: 'atm-*', action: 'delay', ms: 10 }).id).toBe('f1');
    expect(i.add({ topic: 'atm/+/keypad/evt/#', action: 'reorder', ms: 10 }).id).toBe('f2');
  });

  it('reports a fault on a phone topic with the number masked (the observer reads rig/#)', () => {
    const i = injector();
    const seen: string[] = [];
    i.onApplied((f) => seen.push(f.where));
    i.report({ id: 'f1', action: 'drop', where: 'phone/260971000001/inbox' });
    expect(seen).toEqual(['phone/********0001/inbox']);
  });

  it('never faults its own topics or $ topics, whatever the filter', () => {
    const i = injector();
    i.add({ topic: '#', action: 'drop' });
    expect(i.busRulesFor('rig/fault/evt/applied', 'rig.faults')).toEqual([]);
    expect(i.busRulesFor('rig/clock/sim/advance', 'simulator')).toEqual([]);
    expect(i.busRulesFor('atm/atm-1/keypad/evt/key', 'atm-1.keypad')).toHaveLength(1);
  });
});
