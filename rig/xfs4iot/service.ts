/**
 * What a service is to the face: its name (the last level of its URI), its interfaces, a handler per command it
 * implements, the events it may send, and its status and capabilities blocks. The host (service-host.ts) does the
 * envelope, the queue, Common.Status/Capabilities/Cancel, timeouts and cancellation around it.
 */
import type { z } from 'zod';
import type { CompletionCode } from './messages/envelope.ts';
import type { DeviceState } from './messages/common.ts';
import type { CommandSpec, EventSpec, PayloadOf } from './messages/spec.ts';

export type Completion =
  | { code: 'success'; payload?: object }
  | { code: 'commandErrorCode'; errorCode: string; description?: string }
  | { code: Exclude<CompletionCode, 'success' | 'commandErrorCode'>; description?: string };

export const ok = (payload?: object): Completion => ({ code: 'success', ...(payload ? { payload } : {}) });
export const commandError = (errorCode: string, description?: string): Completion => ({
  code: 'commandErrorCode',
  errorCode,
  ...(description ? { description } : {}),
});
export const fail = (code: Exclude<CompletionCode, 'success' | 'commandErrorCode'>, description?: string): Completion => ({
  code,
  ...(description ? { description } : {}),
});

/** Who is on the other end: the ATM whose credential opened the connection, and for a one-service user that service
 *  (auth.ts). */
export interface Principal {
  atmId: string;
  /** The one service it may open (`atm-1.Biometric`); undefined: every service of its ATM. */
  service?: string;
}

export interface CommandContext<P> {
  readonly payload: P;
  readonly principal: Principal;
  /** Aborted when the command is cancelled, times out, or its client disconnects. A handler stops waiting then. */
  readonly signal: AbortSignal;
  /** When the command's header timeout runs out, on the rig clock (ms); undefined without one. A device command sent
   *  on its behalf carries it, so the device refuses what arrives after the application gave up. */
  readonly deadline: number | undefined;
  /** An event within this command (it carries the command's requestId). */
  event<S extends EventSpec>(spec: S, payload: z.input<S['payload']>): void;
}

export interface HandlerEntry {
  spec: CommandSpec;
  run(ctx: CommandContext<unknown>): Promise<Completion>;
}

/** A handler for one command, typed by its spec. */
export function handle<S extends CommandSpec>(spec: S, run: (ctx: CommandContext<PayloadOf<S>>) => Promise<Completion>): HandlerEntry {
  return { spec, run: run as HandlerEntry['run'] };
}

export interface ServiceStatus {
  device: DeviceState;
  /** Interface blocks of Common.Status (`biometric`, `cashDispenser`...). */
  blocks: Record<string, object>;
}

/** What the host lets a service do on its own: tell every client something (unsolicited), or that its status changed. */
export interface ServiceOutlet {
  unsolicited<S extends EventSpec>(spec: S, payload: z.input<S['payload']>): void;
  statusChanged(): void;
}

export interface ServiceDefinition {
  readonly name: string;
  /** XFS4IoT interface names, `Common` first. */
  readonly interfaces: readonly string[];
  readonly handlers: readonly HandlerEntry[];
  /** Commands of its interfaces it does not offer here, with why: answered `unsupportedCommand` with that as the
   *  errorDescription (shared/reference/xfs4iot.md §2), and not in Common.Capabilities. */
  readonly withheld?: Readonly<Record<string, string>>;
  /** Every event it may send, solicited and unsolicited (Common.Capabilities lists them). */
  readonly events: readonly EventSpec[];
  readonly deviceInformation: { modelName: string; serialNumber: string };
  status(): ServiceStatus;
  capabilities(): Record<string, object>;
  /** Called once the host is ready to carry its unsolicited events. */
  attach?(outlet: ServiceOutlet): void;
  close?(): void | Promise<void>;
}

/** Wait for `promise`, or reject as soon as `signal` aborts (with the signal's reason). */
export function abortable<T>(signal: AbortSignal, promise: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e as Error)),
    );
  });
}
