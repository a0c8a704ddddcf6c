/**
 * The customers of a load population, made batch by batch in a worker thread (population-worker.ts): KYC and
 * cards from the seeded population stream, a PIN each from the seed, ten synthetic fingers, and the PIN's salted
 * scrypt hash. What takes the time (the hashes, the templates) happens here, away from the thread that writes
 * the bank.
 */
import { createRandom, DIGITS } from '../core/random.ts';
import { synthTemplate } from '../devices/fingerprint/template.ts';
import { hashSecret, type HashCost } from './bank/secrets.ts';
import type { ImportedCustomer } from './bank/service.ts';
import { populationStream, type PopulationRange } from './population.ts';

export type MadeCustomer = ImportedCustomer & { pin: string };

export interface MakerOptions {
  seed: number;
  customers: number;
  hashCost: HashCost;
  range: PopulationRange;
  batch: number;
}

export async function* makePopulation(o: MakerOptions): AsyncGenerator<MadeCustomer[]> {
  const stream = populationStream(o.seed, o.range);
  const pins = createRandom(o.seed).fork('pins');
  for (let done = 0; done < o.customers;) {
    const size = Math.min(o.batch, o.customers - done);
    const people = Array.from({ length: size }, () => {
      const c = stream.next().value;
      const fingers = Array.from({ length: 10 }, (_, i) => ({ finger: i + 1, template: synthTemplate(c.id, i + 1) }));
      return { ...c, pin: pins.string(4, DIGITS), fingers };
    });
    // Every hash at once: Node's thread pool spreads them over the cores.
    const hashes = await Promise.all(people.map((p) => hashSecret(p.pin, o.hashCost)));
    done += size;
    yield people.map((p, i) => ({ ...p, pinHash: hashes[i]! }));
  }
}
