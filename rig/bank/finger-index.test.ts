// The 1:N index: finds enrolled fingers from clean and degraded captures, never strangers, follows enrolments made
// after it was built (re-enrolment replaces), and hands the matcher a handful of candidates, not the library.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../core/random.ts';
import { degrade, strangerTemplate, synthTemplate } from '../../devices/fingerprint/template.ts';
import { FingerIndex } from './finger-index.ts';
import { FingerLibrary } from './finger-library.ts';
import { createBankService } from './index.ts';
import { CHEAP_HASH_COST } from './secrets.ts';
import { bankFile, STORES } from './testing/stores.ts';

const library = (customers: number) =>
  Array.from({ length: customers * 10 }, (_, i) => {
    const customerId = `C${10_000 + Math.floor(i / 10)}`;
    const template = synthTemplate(customerId, (i % 10) + 1);
    return { customerId, finger: (i % 10) + 1, template, bytes: Buffer.from(template, 'base64') };
  });

describe('the 1:N fingerprint index', () => {
  const fingers = library(1_000);
  const index = FingerIndex.build(fingers);
  const random = createRandom(42);

  it('finds the enrolled finger from a clean capture and from captures down to the matching threshold', () => {
    for (const f of fingers.filter((_, i) => i % 37 === 0)) {
      for (const quality of [100, 80, 65]) {
        const found = index.candidates(degrade(f.template, quality, random));
        expect(found, `${f.customerId} finger ${f.finger} at ${quality}`).toContainEqual({ customerId: f.customerId, finger: f.finger });
      }
    }
  });

  it('hands the matcher a handful of candidates out of 10,000 fingers, and none for a stranger', () => {
    const sizes = fingers.filter((_, i) => i % 53 === 0).map((f) => index.candidates(degrade(f.template, 70, random)).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
    for (let i = 0; i < 200; i++) expect(index.candidates(strangerTemplate(random))).toEqual([]);
  });

  it('follows enrolments after it was built: a new finger is found, a re-enrolled one only by its new template', () => {
    const grown = FingerIndex.build(library(50));
    const newcomer = synthTemplate('C0042', 4);
    grown.add('C0042', 4, newcomer);
    expect(grown.candidates(newcomer)).toEqual([{ customerId: 'C0042', finger: 4 }]);
    const old = synthTemplate('C10003', 7);
    const replacement = synthTemplate('C10003', 17);
    grown.add('C10003', 7, replacement);
    expect(grown.candidates(old)).toEqual([]);
    expect(grown.candidates(replacement)).toEqual([{ customerId: 'C10003', finger: 7 }]);
    // Enough enrolments to rebuild its tables: everything is still found.
    for (const f of library(600).slice(500)) grown.add(`X${f.customerId}`, f.finger, f.template);
    expect(grown.size).toBeGreaterThan(5_000);
    expect(grown.candidates(replacement)).toEqual([{ customerId: 'C10003', finger: 7 }]);
    expect(grown.candidates(synthTemplate('C10599', 10))).toEqual([{ customerId: 'XC10599', finger: 10 }]);
  });
});

describe.each(STORES)('the bank identifying by finger on the %s store', (store) => {
  it('loads its index a chunk at a time while fingers are enrolled and re-enrolled, missing none', async () => {
    const bank = await createBankService({ file: await bankFile(store), hashCost: CHEAP_HASH_COST });
    const kyc = {
      phone: '+260971000054',
      email: 'l@example.test',
      address: '1 St',
      city: 'Lusaka',
      gender: 'male' as const,
      dateOfBirth: '1990-01-01',
    };
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { customer } = await bank.openCustomer({ ...kyc, name: `Loaded ${i}` });
      await bank.enrolFingers(
        customer.id,
        [1, 2, 3, 4, 5].map((finger) => ({ finger, template: synthTemplate(customer.id, finger) })),
      );
      ids.push(customer.id);
    }
    const library = new FingerLibrary(bank.records, 4);
    const loading = library.prepare();
    // While it loads: a re-enrolment of a finger already loaded and of one not yet, and a new customer's fingers.
    for (const [id, finger, template] of [
      [ids[0]!, 1, synthTemplate('other', 1)],
      [ids[5]!, 5, synthTemplate('other', 5)],
    ] as const) {
      await bank.enrolFinger(id, finger, template);
      library.add(id, finger, template);
      await new Promise((r) => setImmediate(r));
    }
    await loading;
    const index = library.index();
    expect(index.candidates(synthTemplate(ids[0]!, 1))).toEqual([]);
    expect(index.candidates(synthTemplate('other', 1))).toEqual([{ customerId: ids[0], finger: 1 }]);
    expect(index.candidates(synthTemplate('other', 5))).toEqual([{ customerId: ids[5], finger: 5 }]);
    for (const id of ids) expect(index.candidates(synthTemplate(id, 3))).toEqual([{ customerId: id, finger: 3 }]);
    await bank.close();
  });

  it('finds customers enrolled after its index was built, and a re-enrolled finger by its new template only', async () => {
    const bank = await createBankService({ file: await bankFile(store), hashCost: CHEAP_HASH_COST });
    const kyc = {
      phone: '+260971000055',
      email: 'f@example.test',
      address: '1 St',
      city: 'Lusaka',
      gender: 'female' as const,
      dateOfBirth: '1990-01-01',
    };
    const { customer: first } = await bank.openCustomer({ ...kyc, name: 'First' });
    await bank.enrolFingers(first.id, [{ finger: 2, template: synthTemplate(first.id, 2) }]);
    expect(bank.matchFingerprint(synthTemplate(first.id, 2))).toMatchObject({ ok: true, customerId: first.id, finger: 2 });
    const { customer: later } = await bank.openCustomer({ ...kyc, name: 'Later' });
    await bank.enrolFinger(later.id, 5, synthTemplate(later.id, 5));
    expect(bank.matchFingerprint(synthTemplate(later.id, 5))).toMatchObject({ ok: true, customerId: later.id, finger: 5 });
    await bank.enrolFinger(first.id, 2, synthTemplate(first.id, 12));
    expect(bank.matchFingerprint(synthTemplate(first.id, 2))).toEqual({ ok: false, reason: 'no-match' });
    expect(bank.matchFingerprint(synthTemplate(first.id, 12))).toMatchObject({ ok: true, customerId: first.id, finger: 2 });
    await bank.close();
  });
});
