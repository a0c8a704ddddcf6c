/**
 * How a message is declared: a command with its payload, its completion's payload and the `errorCode`s it may
 * complete with; an event with its payload and whether it is solicited (has a requestId) or unsolicited. Every
 * interface file declares its messages with these, and catalog.ts gathers them: the one place the face and its
 * clients look a message up, on the way in and on the way out.
 */
import { z } from 'zod';

/** Empty payload: absent or `null` on the wire, `{}` here. Closed: a key is an error. */
export const Empty = z.strictObject({});

export interface CommandSpec<P extends z.ZodType = z.ZodType, C extends z.ZodType = z.ZodType> {
  readonly kind: 'command';
  readonly name: string;
  /** The command version the face advertises and accepts (same major). */
  readonly version: string;
  /** The completion's own version (it may differ: Common.Status 2.0 completes as 3.0). */
  readonly completionVersion: string;
  readonly payload: P;
  /** The payload of a `success` completion. */
  readonly completion: C;
  /** `payload.errorCode` values of a `commandErrorCode` completion. */
  readonly errorCodes: readonly string[];
  /** Answered at once, not queued behind the service's running command (Status, Capabilities, Cancel, queries). */
  readonly immediate: boolean;
}

export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly name: string;
  readonly version: string;
  readonly payload: P;
  /** Unsolicited: sent to every connection, no requestId. Otherwise sent within a command. */
  readonly unsolicited: boolean;
}

export function command<P extends z.ZodType, C extends z.ZodType>(
  name: string,
  spec: { version?: string; completionVersion?: string; payload: P; completion: C; errorCodes?: readonly string[]; immediate?: boolean },
): CommandSpec<P, C> {
  return {
    kind: 'command',
    name,
    version: spec.version ?? '2.0',
    completionVersion: spec.completionVersion ?? spec.version ?? '2.0',
    payload: spec.payload,
    completion: spec.completion,
    errorCodes: spec.errorCodes ?? [],
    immediate: spec.immediate ?? false,
  };
}

export function event<P extends z.ZodType>(
  name: string,
  payload: P,
  options: { unsolicited?: boolean; version?: string } = {},
): EventSpec<P> {
  return { kind: 'event', name, version: options.version ?? '2.0', payload, unsolicited: options.unsolicited ?? false };
}

export type PayloadOf<S extends CommandSpec> = z.output<S['payload']>;
export type CompletionOf<S extends CommandSpec> = z.input<S['completion']>;
export type EventPayloadOf<S extends EventSpec> = z.input<S['payload']>;

/** Binary data on the wire is Base64 (§ Wire). Bounded: the face's frames are at most 1 MiB anyway. */
export const Base64 = z
  .string()
  .max(700_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Base64');
/** Storage unit ids are `unit…` (§ Wire). */
export const UnitId = z.string().regex(/^unit[A-Za-z0-9]{1,12}$/, 'a unit id, "unit…"');
