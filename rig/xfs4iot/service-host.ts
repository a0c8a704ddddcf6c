/**
 * Hosts one service: its connections, its one FIFO queue (a command at a time, from every connection, as KAL's
 * CommandQueue does), the Common commands every service answers, and the envelope's rules (shared/reference/
 * xfs4iot.md §2): a command the service does not advertise, or in a major version it does not speak, completes
 * `unsupportedCommand`; a payload its schema refuses completes `invalidData`; the header's timeout completes
 * `timeOut`, Common.Cancel `canceled`; a client that goes away has its commands cancelled, unanswered.
 */
import type { z } from 'zod';
import type { RigClock } from '../../core/clock.ts';
import { Cancel, StatusChangedEvent } from './messages/common.ts';
import { protoKeyPath } from './messages/proto-key.ts';
import { Capabilities, Status } from './messages/catalog.ts';
import type { CommandSpec, EventSpec } from './messages/spec.ts';
import { MAX_OPEN_PER_CONNECTION, type Accepted, type Connection } from './connection.ts';
import { commandError, fail, ok, type Completion, type HandlerEntry, type ServiceDefinition } from './service.ts';

/** Why a command was stopped: the completion it gets, or none for a client that went away. */
type StopReason = 'canceled' | 'timeOut' | 'disconnected';

interface Job {
  conn: Connection;
  cmd: Accepted;
  entry: HandlerEntry;
  payload: unknown;
  abort: AbortController;
  timer?: unknown;
  deadline: number | undefined;
  state: 'queued' | 'running' | 'done';
}

const major = (v: string) => v.split('.')[0];
/** Why a command the service's interfaces name is not offered here, if it says (an own-property lookup: the name is
 *  the client's). */
const withheldReason = (definition: ServiceDefinition, name: string): { errorDescription?: string } => {
  const withheld = definition.withheld;
  return withheld && Object.hasOwn(withheld, name) ? { errorDescription: withheld[name]! } : {};
};
const describeIssues = (e: z.ZodError) =>
  e.issues
    .map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`)
    .join('; ')
    .slice(0, 900);

export class ServiceHost {
  readonly connections = new Set<Connection>();
  readonly #handlers = new Map<string, HandlerEntry>();
  readonly #queue: Job[] = [];
  readonly #jobs = new Set<Job>();
  #running?: Job;
  #lastDevice: string;

  constructor(
    readonly definition: ServiceDefinition,
    private readonly options: { clock: RigClock; onError?: (error: unknown) => void },
  ) {
    const common: HandlerEntry[] = [
      { spec: Status, run: async () => ok(this.#status()) },
      { spec: Capabilities, run: async () => ok(this.#capabilities()) },
    ];
    for (const entry of [...common, ...definition.handlers]) this.#handlers.set(entry.spec.name, entry);
    this.#lastDevice = definition.status().device;
    definition.attach?.({
      unsolicited: (spec, payload) => this.#broadcast(spec, payload),
      statusChanged: () => this.#statusChanged(),
    });
  }

  /** The commands this service advertises (Common.Capabilities lists exactly these). */
  get commands(): CommandSpec[] {
    return [...[...this.#handlers.values()].map((h) => h.spec), Cancel];
  }

  get events(): EventSpec[] {
    return [StatusChangedEvent, ...this.definition.events];
  }

  add(conn: Connection): void {
    this.connections.add(conn);
  }

  /** The client went away: its queued commands are dropped, its running one stopped; nobody is answered. */
  remove(conn: Connection): void {
    conn.markClosed();
    this.connections.delete(conn);
    for (const job of [...this.#jobs]) if (job.conn === conn) this.#stop(job, 'disconnected');
  }

  submit(conn: Connection, cmd: Accepted): void {
    const complete = (completion: Completion) => this.#send(conn, cmd, completion);
    if (cmd.name === Cancel.name) return this.#cancel(conn, cmd);
    const entry = this.#handlers.get(cmd.name);
    if (!entry || major(entry.spec.version) !== major(cmd.version)) {
      return conn.complete({
        type: 'completion',
        name: cmd.name,
        requestId: cmd.requestId,
        version: cmd.version,
        completionCode: 'unsupportedCommand',
        ...(entry ? {} : withheldReason(this.definition, cmd.name)),
      });
    }
    const proto = protoKeyPath(cmd.payload);
    if (proto) return complete(fail('invalidData', `${proto}: not a property name the face accepts`));
    const parsed = entry.spec.payload.safeParse(cmd.payload);
    if (!parsed.success) return complete(fail('invalidData', describeIssues(parsed.error)));
    // The timeout counts from the acknowledge, queue time included (§2).
    const deadline = cmd.timeout > 0 ? this.options.clock.now() + cmd.timeout : undefined;
    const job: Job = { conn, cmd, entry, payload: parsed.data, abort: new AbortController(), state: 'queued', deadline };
    this.#jobs.add(job);
    if (cmd.timeout > 0) job.timer = this.options.clock.setTimeout(() => this.#stop(job, 'timeOut'), cmd.timeout);
    if (entry.spec.immediate) return void this.#run(job);
    this.#queue.push(job);
    this.#next();
  }

  #next(): void {
    if (this.#running) return;
    const job = this.#queue.shift();
    if (!job) return;
    this.#running = job;
    void this.#run(job).finally(() => {
      this.#running = undefined;
      this.#next();
    });
  }

  async #run(job: Job): Promise<void> {
    job.state = 'running';
    const { conn, cmd } = job;
    let completion: Completion;
    try {
      completion = await job.entry.run({
        payload: job.payload,
        principal: conn.principal,
        signal: job.abort.signal,
        deadline: job.deadline,
        event: (spec, payload) => {
          if (job.state === 'running' && !job.abort.signal.aborted)
            conn.send({ type: 'event', name: spec.name, requestId: cmd.requestId, payload: payload as object });
        },
      });
    } catch (err) {
      if (!job.abort.signal.aborted) this.options.onError?.(err);
      completion = fail('internalError');
    }
    if ((job.state as Job['state']) === 'done') return;
    // A stopped command completes with why it stopped, whatever its handler made of it.
    const reason = job.abort.signal.aborted ? (job.abort.signal.reason as StopReason) : undefined;
    this.#finish(job);
    if (reason !== 'disconnected') this.#send(conn, cmd, reason ? fail(reason) : completion);
  }

  #finish(job: Job): void {
    job.state = 'done';
    if (job.timer !== undefined) this.options.clock.clearTimeout(job.timer);
    this.#jobs.delete(job);
  }

  /** Stop a job: a queued one completes at once; a running one when its handler has stopped. */
  #stop(job: Job, reason: StopReason): void {
    if (job.state === 'done') return;
    if (job.state === 'queued') {
      this.#queue.splice(this.#queue.indexOf(job), 1);
      // Done before it is answered: the answer may close the connection (not reading), which stops its jobs again.
      this.#finish(job);
      if (reason !== 'disconnected') this.#send(job.conn, job.cmd, fail(reason));
      return;
    }
    job.abort.abort(reason);
  }

  /** Common.Cancel: its own completion first, then each target completes `canceled` (§2). */
  #cancel(conn: Connection, cmd: Accepted): void {
    const parsed = Cancel.payload.safeParse(cmd.payload);
    if (!parsed.success) return this.#send(conn, cmd, fail('invalidData', describeIssues(parsed.error)));
    const ids = parsed.data.requestIds;
    const targets = [...this.#jobs].filter((j) => j.conn === conn && (ids == null || ids.includes(j.cmd.requestId)));
    this.#send(conn, cmd, targets.length ? ok() : commandError('noMatchingRequestIDs'));
    for (const job of targets) this.#stop(job, 'canceled');
  }

  /** The command's completion; its requestId is free again once that has left (connection.ts). */
  #send(conn: Connection, cmd: Accepted, completion: Completion): void {
    conn.complete({
      type: 'completion',
      name: cmd.name,
      requestId: cmd.requestId,
      version: cmd.version,
      completionCode: completion.code,
      ...('description' in completion && completion.description ? { errorDescription: completion.description } : {}),
      ...(completion.code === 'success' && completion.payload ? { payload: completion.payload } : {}),
      ...(completion.code === 'commandErrorCode' ? { payload: { errorCode: completion.errorCode } } : {}),
    });
  }

  #broadcast(spec: EventSpec, payload: unknown): void {
    for (const conn of this.connections) conn.send({ type: 'unsolicited', name: spec.name, payload: payload as object });
  }

  #statusChanged(): void {
    const device = this.definition.status().device;
    if (device === this.#lastDevice) return;
    this.#lastDevice = device;
    this.#broadcast(StatusChangedEvent, { common: { device } });
  }

  #status(): object {
    const s = this.definition.status();
    return { common: { device: s.device }, ...s.blocks };
  }

  #capabilities(): object {
    const versions = (v: string) => ({ versions: [v] });
    const interfaces = this.definition.interfaces.map((name) => ({
      name,
      commands: Object.fromEntries(this.commands.filter((c) => c.name.startsWith(`${name}.`)).map((c) => [c.name, versions(c.version)])),
      events: Object.fromEntries(this.events.filter((e) => e.name.startsWith(`${name}.`)).map((e) => [e.name, versions(e.version)])),
      maximumRequests: MAX_OPEN_PER_CONNECTION,
    }));
    return {
      interfaces,
      common: {
        serviceVersion: '2.0',
        deviceInformation: [this.definition.deviceInformation],
        powerSaveControl: false,
        antiFraudModule: false,
      },
      ...this.definition.capabilities(),
    };
  }

  async close(): Promise<void> {
    for (const job of [...this.#jobs]) this.#stop(job, 'disconnected');
    await this.definition.close?.();
  }
}
