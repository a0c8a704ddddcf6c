/**
 * `atm-rig enrol`: a customer's fingers enrolled from a fingerprint module (a real R307, or the emulator), as a KYC
 * desk does it. Each finger is enrolled on the module (zfm/enrolment.ts: two impressions, merged, stored at a free
 * page of its library), and the models go to the bank in one write: the bank's file when no rig holds it, or a
 * running bank's staff API. A sensor with `match: module` later finds the finger in that library and sends the
 * model the bank now has (docs/devices/fingerprint.md).
 */
import { FINGER_NAMES } from '../core/schemas.ts';
import { SerialLink, type SerialSpec } from '../devices/serial/link.ts';
import { enrolFinger, freePages, type EnrolPerson } from '../devices/fingerprint/zfm/enrolment.ts';
import { ZfmHost } from '../devices/fingerprint/zfm/host.ts';

/** Where the models go. */
export interface EnrolBank {
  /** The customer's name, or an error naming what is wrong (no such customer). */
  customerName(customerId: string): Promise<string>;
  enrolFingers(customerId: string, fingers: readonly { finger: number; template: string }[]): Promise<void>;
}

export interface EnrolRequest {
  sensor: SerialSpec;
  customerId: string;
  fingers: readonly number[];
  bank: EnrolBank;
  /** What the person at the sensor is told, and the progress. */
  say(line: string): void;
  /** Stands in for the person's hands (tests drive the emulator); a real person just reads `say`. */
  person?: (finger: number) => EnrolPerson;
  password?: number;
  pollMs?: number;
  waitMs?: number;
}

export interface Enrolled {
  finger: number;
  page: number;
}

export async function enrolCustomer(r: EnrolRequest): Promise<Enrolled[]> {
  const name = await r.bank.customerName(r.customerId);
  const link = new SerialLink(r.sensor, { minBackoffMs: 200, maxBackoffMs: 1000 });
  try {
    await new Promise<void>((resolve, reject) => {
      link.once('up', () => resolve());
      link.once('down', (why) =>
        reject(
          new Error(
            `cannot open ${r.sensor.path}: ${why.replace(/^Error: /, '')}` +
              (/lock/i.test(why) ? ' (another program holds it: a rig using this sensor? Stop it, or enrol on another port)' : ''),
          ),
        ),
      );
      link.start();
    });
    const host = new ZfmHost(link);
    await host.verifyPassword(r.password ?? 0).catch((err: Error) => {
      throw new Error(
        `the module on ${r.sensor.path} did not take the password (${err.message}): is it a ZFM/R30x at ${r.sensor.baudRate} baud?`,
      );
    });
    const { capacity } = await host.readSysPara();
    const free = await freePages(host, capacity, r.fingers.length);
    r.say(`Enrolling ${r.fingers.length} finger(s) of ${name} (${r.customerId}) on ${r.sensor.path}.`);
    const models: { finger: number; template: string }[] = [];
    const enrolled: Enrolled[] = [];
    try {
      for (const [i, finger] of r.fingers.entries()) {
        const what = `the ${FINGER_NAMES[finger]} (finger ${finger})`;
        const hands = r.person?.(finger);
        const person: EnrolPerson = {
          place: (take) => {
            r.say(take === 1 ? `Place ${what} on the sensor.` : `Place ${what} again.`);
            hands?.place(take);
          },
          lift: () => {
            r.say('Lift the finger.');
            hands?.lift();
          },
        };
        const { model, page, replaced } = await enrolFinger(host, () => free.shift()!, person, {
          pollMs: r.pollMs,
          waitMs: r.waitMs,
          capacity,
        });
        models.push({ finger, template: model.toString('base64') });
        enrolled.push({ finger, page });
        r.say(
          `  ${what}: ${replaced ? 'replaced its old model at' : 'stored at'} page ${page} (${model.length} bytes). [${i + 1}/${r.fingers.length}]`,
        );
      }
    } catch (err) {
      // What the module stored, the bank must have too: the fingers done so far are kept, then the failure reported.
      if (models.length > 0) await r.bank.enrolFingers(r.customerId, models);
      throw new Error(`${models.length} of ${r.fingers.length} finger(s) enrolled, then: ${(err as Error).message}`, { cause: err });
    }
    await r.bank.enrolFingers(r.customerId, models);
    r.say(`The bank has ${name}'s ${models.length} model(s).`);
    return enrolled;
  } finally {
    await link.close();
  }
}

/** `1-10`, `3`, `1,2,7`: finger numbers, each 1-10, no repeats. */
export function parseFingers(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new Error(`--fingers ${text}: use finger numbers 1-10, e.g. 1-10, 2 or 1,2,7`);
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    for (let f = a; f <= b; f++) out.push(f);
  }
  if (out.length === 0 || out.some((f) => f < 1 || f > 10) || new Set(out).size !== out.length)
    throw new Error(`--fingers ${text}: fingers are 1-10 (1 right thumb ... 10 left little), each once`);
  return out;
}
