/**
 * The `xfs4iot` profile (docs/xfs4iot.md, "The features against it"): the rig's controller stands aside
 * (`controller: external`), the XFS4IoT face serves the ATM's devices, and the reference application runs its
 * sessions over XFS4IoT and the bank's HTTP API, logged in as the ATM's controller user, as any outside application
 * would. Nobody publishes `session/state` then: the steps read the application's screens off the LCD (its
 * `lcd/state` on the bus) with the application's own table (rig/xfs4iot/reference-app/screens.ts), never from the
 * application's insides.
 */
import { basicAuthorization } from '../../rig/xfs4iot/auth.ts';
import { XfsAtm } from '../../rig/xfs4iot/reference-app/atm.ts';
import { Bank } from '../../rig/xfs4iot/reference-app/bank.ts';
import { readScreen, type AppScreen } from '../../rig/xfs4iot/reference-app/screens.ts';
import { seed001, seed002 } from '../../rig/xfs4iot/reference-app/session.ts';
import type { AtmClient, BusMessage } from '../../rig/atm-client.ts';
import type { Rig } from '../../rig/rig.ts';
import { topics } from '../../devices/topics.ts';

export type { AppScreen };

/** The profiles the reference application has sessions for. */
const SESSIONS = { seed001, seed002 } as const;

export interface ReferenceApp {
  /** What it logged (no secrets: it logs none), for the report. */
  readonly log: string[];
  /** Stop after the session under way, and close its connections. */
  stop(): Promise<void>;
}

/** The reference application at each ATM, session after session, until stopped. */
export async function startReferenceApp(rig: Rig, atmIds: readonly string[], profile: string): Promise<ReferenceApp> {
  const run = SESSIONS[profile as keyof typeof SESSIONS];
  if (!run)
    throw new Error(`the xfs4iot profile runs the reference application, which has seed001 and seed002 sessions only, not "${profile}"`);
  const log: string[] = [];
  let stopping = false;
  const apps = await Promise.all(
    atmIds.map(async (atmId) => {
      const controller = rig.bus.internal.get(`${atmId}.controller`)!;
      const atm = await XfsAtm.discover(rig.xfs4iot!.publisherUrl, {
        authorization: basicAuthorization(controller.username, controller.password),
      });
      const bank = new Bank(rig.bank.url, atmId, rig.atmKeys.get(atmId)!);
      const { timeouts } = rig.atms.find((a) => a.id === atmId)!.profile;
      // The rig profile's own waits, so the two controllers keep the same time on the rig clock.
      const options = { inputMs: timeouts.inputMs, farewellMs: timeouts.messageMs, log: (line: string) => log.push(`${atmId}: ${line}`) };
      const loop = (async () => {
        while (!stopping) log.push(`${atmId}: ended ${await run(atm, bank, options)}`);
      })().catch((err: unknown) => {
        if (!stopping) log.push(`${atmId}: stopped by an error: ${(err as Error).message}`);
      });
      return { atm, loop };
    }),
  );
  return {
    log,
    async stop() {
      stopping = true;
      // Its commands fail as the connections close, which ends the session under way; one waiting for an
      // unsolicited event (the notes taken) never ends and holds nothing open: it is not waited for past a second.
      await Promise.all(apps.map((a) => a.atm.close()));
      await Promise.race([Promise.all(apps.map((a) => a.loop)), new Promise((r) => setTimeout(r, 1000).unref())]);
    },
  };
}

/** The application's screen on the LCD now. */
export function appScreen(person: AtmClient): AppScreen | undefined {
  return readScreen(person.lcd);
}

/** Wait until the LCD shows an application screen that passes `test`. */
export async function untilAppScreen(person: AtmClient, test: (s: AppScreen) => boolean, what: string, timeoutMs?: number) {
  await person.until(
    () => {
      const s = appScreen(person);
      return s !== undefined && test(s);
    },
    `the reference application's ${what} screen`,
    timeoutMs,
  );
  return appScreen(person)!;
}

/** The application's screens drawn on the LCD after message `mark` (blank ones left out), in order. */
export function screensSince(person: AtmClient, mark = 0): AppScreen[] {
  return person.messages
    .slice(mark)
    .filter((m: BusMessage) => m.topic === topics.deviceState(person.atmId, 'lcd') && Array.isArray(m.payload.lines))
    .flatMap((m) => readScreen(m.payload.lines as string[]) ?? []);
}

/** Wait until the application has drawn, after `mark`, a screen that passes `test`; that screen. */
export async function untilDrawn(person: AtmClient, mark: number, test: (s: AppScreen) => boolean, what: string) {
  await person.until(() => screensSince(person, mark).some(test), what);
  return screensSince(person, mark).find(test)!;
}
