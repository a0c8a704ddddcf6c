/**
 * Replays a recording: the rig comes up with the recorded seed, ATMs and profiles, but no devices; the replay speaks
 * for them, publishing what each device said, as that device's bus user, in order, on the rig clock (advanced to
 * each line's time). Every message the live controller sends (device commands, session state and events) is
 * checked against the recorded one, topic by topic, in order; the first difference stops the replay with a report
 * (divergence.ts). `devicesOnly` plays the device side without checking, for a person to watch or step through.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { ManualClock } from '../../core/clock.ts';
import { connectBus } from '../../core/bus.ts';
import { busUser, parseTopic, TOPIC_CONTRACT_VERSION } from '../../devices/topics.ts';
import { DEVICE_KINDS } from '../../devices/registry.ts';
import { startRig, type Rig } from '../rig.ts';
import { contextBefore, samePayload, type Divergence } from './divergence.ts';
import { isMessage, payloadBytes, type MessageLine, type Recording, type RecordLine } from './format.ts';

/** How far a time in a system-clock recording may be from the replay's (real time's jitter between cause and effect). */
export const SYSTEM_CLOCK_SLACK_MS = 2000;

export interface ReplayOptions {
  /** Play the devices' side only; check nothing. */
  devicesOnly?: boolean;
  /** Real time to wait for each message the controller should send (default 3000 ms). */
  waitMs?: number;
  /** Start the bank from a copy of this file (a recording made with customers already in the bank). */
  bankFile?: string;
  /** Before each device message is played (an interactive step: resolve to go on). */
  beforeDevice?: (line: MessageLine, index: number) => Promise<void> | void;
  /** Each message the live controller sends, as it comes. */
  onController?: (topic: string, payload: unknown) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface ReplayResult {
  ok: boolean;
  played: number;
  checked: number;
  divergence?: Divergence;
}

/** Who sent it in the recording: a device (played back), the controller (checked), or neither (skipped). */
export function sideOf(topic: string): 'device' | 'controller' | 'other' {
  if (topic.startsWith('phone/')) return 'device'; // the GSM network delivering an SMS
  const t = parseTopic(topic);
  if (t?.device === 'session') return 'controller';
  if (!t || !(DEVICE_KINDS as readonly string[]).includes(t.device)) return 'other';
  if (t.channel === 'cmd') return 'controller';
  return t.channel === 'evt' || t.channel === 'state' ? 'device' : 'other';
}

export function checkReplayable(recording: Recording): void {
  const h = recording.header;
  // A device line the replay could not publish as that device would hang it: refuse it now, by its line.
  const atms = new Set(h.atms.map((a) => a.id));
  for (const [i, line] of recording.lines.entries()) {
    if (!isMessage(line) || sideOf(line.topic) !== 'device') continue;
    const t = parseTopic(line.topic);
    const ok = t ? atms.has(t.atm) && !/[+#]/.test(line.topic) : /^phone\/\d{6,15}\/inbox$/.test(line.topic);
    if (!ok)
      throw new Error(
        `line ${i + 2}: ${line.topic.slice(0, 100)} is not a device topic of this recording's ATMs (${[...atms].join(', ')}): no device could have said it`,
      );
  }
  if (h.masked)
    throw new Error(
      'this is a masked copy (a report\'s): typed secrets are "*", so it cannot replay; record with atm-rig up --record, or a Cucumber scenario with ATM_RIG_RECORD_DIR (docs/recording.md)',
    );
  if (h.contract.split('.')[0] !== TOPIC_CONTRACT_VERSION.split('.')[0])
    throw new Error(`recorded with topic contract ${h.contract}; this atm-rig speaks ${TOPIC_CONTRACT_VERSION}`);
}

export async function replay(recording: Recording, options: ReplayOptions = {}): Promise<ReplayResult> {
  checkReplayable(recording);
  const { header, lines } = recording;
  const clock = new ManualClock(header.start);
  const bankFile = options.bankFile ? await copyOfBank(options.bankFile) : ':memory:';
  // The copy (with the rig's keys and staff password beside it) goes, whatever happens.
  const removeCopy = () => (options.bankFile ? rm(dirname(bankFile), { recursive: true, force: true }) : Promise.resolve());
  const live: MessageLine[] = [];
  const waiters = new Set<() => void>();
  let rig: Rig;
  try {
    rig = await startRig(
      {
        seed: header.seed,
        clock: 'manual',
        broker: { port: 0, wsPort: null, hashIterations: 10 },
        bank: { port: 0, file: bankFile, hashLogN: 10, deterministicSecrets: header.deterministicSecrets },
        atms: header.atms.map((a) => ({
          id: a.id,
          profile: a.profile,
          devices: Object.fromEntries(Object.keys(a.devices).map((k) => [k, 'virtual'])),
        })),
      },
      {
        clock,
        withoutDevices: true,
        // Every state drawn: a recording's controller may have drawn states a rig drawing once per turn skips when
        // the replay plays the devices' messages faster than they came.
        drawEveryState: true,
        record: (line) => {
          if (!('topic' in line) || sideOf(line.topic) !== 'controller') return;
          live.push(line);
          options.onController?.(line.topic, line.payload);
          for (const w of waiters) w();
        },
      },
    );
  } catch (err) {
    await removeCopy();
    throw err;
  }
  const speakers = new Map<string, MqttClient>();
  try {
    if (header.customers === 'demo') await fetch(`${rig.bank.url}/staff/seed`, { method: 'POST', headers: await rig.bank.staffHeaders() });
    let played = 0;
    let checked = 0;
    const consumed = new Set<MessageLine>();
    const next = (topic: string) => live.find((m) => m.topic === topic && !consumed.has(m));
    /** Resolves with what `find` finds among the live controller's messages, as they arrive, or undefined. */
    const arrival = <T>(find: () => T | undefined, waitMs: number) =>
      new Promise<T | undefined>((resolve) => {
        const check = () => {
          const m = find();
          if (m !== undefined) finish(m);
        };
        const finish = (m: T | undefined) => {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => finish(undefined), waitMs);
        waiters.add(check);
        check();
      });
    // A system-clock recording: a timer set a little later in the replay than in the real run has not fired at the
    // recorded time; step the clock to it when it falls due within the slack.
    const awaitLive = async <T>(line: MessageLine, find: () => T | undefined): Promise<T | undefined> => {
      const waitMs = options.waitMs ?? 3000;
      if (header.clock !== 'system') return arrival(find, waitMs);
      const until = Date.now() + waitMs;
      for (;;) {
        const got = await arrival(find, 100);
        const due = clock.nextDue;
        if (got !== undefined || Date.now() > until) return got;
        if (due !== undefined && due <= header.start + line.t + SYSTEM_CLOCK_SLACK_MS) clock.advance(due - clock.now());
      }
    };
    const expect = (line: MessageLine) => awaitLive(line, () => next(line.topic));
    const slack = header.clock === 'system' ? SYSTEM_CLOCK_SLACK_MS : 0;
    /** Wait until the controller has published this state; everything before it on the topic is passed. */
    const stateReached = async (line: MessageLine) => {
      const reached = await awaitLive(line, () => {
        const pending = live.filter((m) => m.topic === line.topic && !consumed.has(m));
        const hit = pending.findIndex((m) => samePayload(m.payload, line.payload, slack));
        return hit < 0 ? undefined : pending.slice(0, hit + 1);
      });
      for (const m of reached ?? []) consumed.add(m);
      return reached !== undefined;
    };
    const diverged = (i: number, line: MessageLine, reason: string, got?: MessageLine): ReplayResult => ({
      ok: false,
      played,
      checked,
      divergence: {
        line: i + 2,
        t: line.t,
        expected: { topic: line.topic, payload: line.payload },
        ...(got ? { got: { topic: got.topic, payload: got.payload } } : {}),
        reason,
        context: contextBefore(lines, i),
        ...(slack ? { timeSlackMs: slack } : {}),
      },
    });

    for (const [i, line] of lines.entries()) {
      options.onProgress?.(i, lines.length);
      if ('bank' in line) {
        await fetch(`${rig.bank.url}/staff/seed`, { method: 'POST', headers: await rig.bank.staffHeaders() });
        continue;
      }
      if (!isMessage(line)) continue;
      const side = sideOf(line.topic);
      if (side === 'other') continue;
      const due = header.start + line.t;
      if (due > clock.now()) clock.advance(due - clock.now());
      if (side === 'device') {
        await options.beforeDevice?.(line, i);
        const speaker = await speakerFor(rig, speakers, line.topic);
        const state = parseTopic(line.topic)?.channel === 'state';
        const sent = await Promise.race([
          speaker.publishAsync(line.topic, payloadBytes(line), { qos: 1, retain: state || line.retain === true }).then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), 5000).unref()),
        ]);
        if (!sent) return diverged(i, line, `the broker did not take this device message from ${speakerName(line.topic, rig)}`);
        played++;
        continue;
      }
      // A state topic holds the latest value, and so does the screen the controller draws: how many intermediate
      // ones a controller publishes between two device messages depends on timing (it draws once the messages that
      // arrived together are handled), so only the last one before the next device message is checked, and the live
      // controller may pass through others on the way to it.
      if (isState(line.topic)) {
        if (!lastStateBeforeDevice(lines, i)) continue;
        const reached = await stateReached(line);
        if (options.devicesOnly) continue;
        if (!reached)
          return diverged(
            i,
            line,
            isScreen(line.topic) ? 'the controller did not draw this screen' : 'the controller did not reach this state',
            live.findLast((m) => m.topic === line.topic),
          );
        checked++;
        continue;
      }
      const got = await expect(line);
      if (options.devicesOnly) {
        // Unchecked, but in step: the next device message waits for the controller as it did when recorded.
        if (got) consumed.add(got);
        continue;
      }
      if (!got) {
        // Nothing on that topic: what the controller said instead is the news.
        // States passed through on the way are not the news: the first event or command is.
        const instead = live.find((m) => !consumed.has(m) && !isState(m.topic)) ?? live.find((m) => !consumed.has(m));
        return instead
          ? diverged(i, line, 'the controller sent something else first', instead)
          : diverged(i, line, 'the controller did not send it');
      }
      consumed.add(got);
      if (!samePayload(got.payload, line.payload, header.clock === 'system' ? SYSTEM_CLOCK_SLACK_MS : 0))
        return diverged(i, line, 'the controller sent something else', got);
      checked++;
    }
    options.onProgress?.(lines.length, lines.length);
    // Anything more the controller said is a difference too: give it a moment to say it.
    await new Promise((r) => setTimeout(r, 200));
    // States the controller passed through after the last one checked are not news; anything else is.
    const extra = options.devicesOnly ? undefined : live.find((m) => !consumed.has(m) && !isState(m.topic));
    if (extra) {
      const last = lines.length - 1;
      return {
        ok: false,
        played,
        checked,
        divergence: {
          line: last + 2,
          t: extra.t,
          expected: { topic: extra.topic, payload: undefined },
          got: { topic: extra.topic, payload: extra.payload },
          reason: 'the controller sent a message the recording does not have',
          context: contextBefore(lines, lines.length),
        },
      };
    }
    return { ok: true, played, checked };
  } finally {
    await Promise.all([...speakers.values()].map((c) => c.endAsync()));
    await rig.close();
    await removeCopy();
  }
}

/** The device's own bus user publishes its lines (the ACL holds in a replay too); SMS deliveries come from the
 *  first ATM's modem user, which may publish to the phones. */
async function speakerFor(rig: Rig, speakers: Map<string, MqttClient>, topic: string): Promise<MqttClient> {
  const t = parseTopic(topic);
  const user = t ? busUser(t.atm, t.device) : busUser(rig.atms[0]!.id, 'gsm');
  let client = speakers.get(user);
  if (!client) {
    const [atm, kind] = user.split('.') as [string, string];
    client = await connectBus(rig.brokerUrl, `${atm}:${kind}-replay`, rig.bus.internal.get(user)!);
    speakers.set(user, client);
  }
  return client;
}

export type { RecordLine };

/** A private copy of a bank file for the replay to start from: the original is never written. */
async function copyOfBank(file: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'atm-rig-replay-'));
  const copy = join(dir, basename(file));
  await copyFile(file, copy).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`--data ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { cause: err });
  });
  return copy;
}

function speakerName(topic: string, rig: Rig): string {
  const t = parseTopic(topic);
  return t ? busUser(t.atm, t.device) : busUser(rig.atms[0]!.id, 'gsm');
}

/** A topic whose every message replaces the one before: a retained state, or the LCD's screen. */
const isState = (topic: string) => topic.endsWith('/state') || topic.endsWith('/lcd/cmd/show');

const isScreen = (topic: string) => topic.endsWith('/lcd/cmd/show');

/** Is line `i` the last message on its state topic before the next device message (or the end)? */
function lastStateBeforeDevice(lines: readonly RecordLine[], i: number): boolean {
  const topic = (lines[i] as MessageLine).topic;
  for (let j = i + 1; j < lines.length; j++) {
    const l = lines[j]!;
    if (!isMessage(l)) continue;
    if (sideOf(l.topic) === 'device') return true;
    if (l.topic === topic) return false;
  }
  return true;
}
