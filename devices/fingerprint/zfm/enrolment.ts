/**
 * Enrolling one finger on a ZFM module, as the ZFM-20 manual's flow chart and Adafruit's `enroll` example do it:
 * GenImg until a finger is there, Img2Tz into buffer 1, wait for the finger to go, GenImg again, Img2Tz into
 * buffer 2, RegModel (the two impressions must agree), Store at a page of the module's library. The model is then
 * uploaded (UpChar) for the bank. A person is told what to do at each step.
 */
import { CODE } from './packet.ts';
import { ZfmError, type ZfmHost } from './host.ts';

export interface EnrolPerson {
  /** Place the finger (`take` 1 or 2 of the same finger). */
  place(take: 1 | 2): void;
  lift(): void;
}

export interface EnrolOptions {
  pollMs?: number;
  /** How long a person has to place or lift a finger. */
  waitMs?: number;
}

/** Poll GenImg until a finger is on the sensor (`present`) or gone; the module answers 02 while there is none. */
async function waitFor(host: ZfmHost, present: boolean, o: Required<EnrolOptions>): Promise<void> {
  const deadline = Date.now() + o.waitMs;
  while ((await host.genImg()) !== present) {
    if (Date.now() > deadline) throw new Error(present ? 'no finger was placed in time' : 'the finger was not lifted in time');
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
}

/**
 * Enrol the finger on the sensor; resolves with its model and the page it is stored at. A finger the library already
 * holds (Search finds it: a re-enrolment) is stored over its old page, so the library never holds two models of one
 * finger; otherwise at `freePage()`. A model stored but not uploaded is deleted again: the module must not hold a
 * model the bank never got.
 */
export async function enrolFinger(
  host: ZfmHost,
  freePage: () => number,
  person: EnrolPerson,
  options: EnrolOptions & { capacity?: number } = {},
): Promise<{ model: Buffer; page: number; replaced: boolean }> {
  const o = { pollMs: options.pollMs ?? 100, waitMs: options.waitMs ?? 30_000 };
  person.place(1);
  await waitFor(host, true, o);
  await host.img2Tz(1);
  person.lift();
  await waitFor(host, false, o);
  person.place(2);
  await waitFor(host, true, o);
  await host.img2Tz(2);
  try {
    await host.regModel();
  } catch (err) {
    if (err instanceof ZfmError && err.code === CODE.mergeFailed)
      throw new Error('the two impressions do not agree: not the same finger?', { cause: err });
    throw err;
  }
  const found = await host.search(1, 0, options.capacity ?? 1000);
  const page = found?.page ?? freePage();
  await host.store(1, page);
  try {
    return { model: await host.upChar(1), page, replaced: found !== undefined };
  } catch (err) {
    await host.deleteChar(page).catch(() => undefined);
    throw err;
  }
}

/** The first `n` free pages of the library (ReadConList), from `from` on. */
export async function freePages(host: ZfmHost, capacity: number, n: number, from = 0): Promise<number[]> {
  const used = new Set(await host.occupiedPages(capacity));
  const pages: number[] = [];
  for (let p = from; p < capacity && pages.length < n; p++) if (!used.has(p)) pages.push(p);
  if (pages.length < n) throw new Error(`the module's library has only ${pages.length} free pages of ${capacity}; ${n} are needed`);
  return pages;
}
