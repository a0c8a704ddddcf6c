/**
 * A device kind as one module: everything the rest of atm-rig needs to know about it, in one place. The registry
 * (registry.ts) lists the modules; the rig, the configuration, the CLI, the Cucumber world, the bus ACL, the
 * controller, the docs and the Node-RED contract all read it. Adding a device kind is one folder with an
 * `index.ts` exporting a DeviceModule, and one line in the registry.
 */
import type { z } from 'zod';
import type { DeviceSessionEvent } from '../core/device-events.ts';
import type { Device } from './device.ts';
import type { EmulatorModule } from './serial/emulator-module.ts';
import type { SerialSpec } from './serial/spec.ts';
import type { WireDecoder } from './serial/trace.ts';

export interface DeviceContract {
  cmd: Record<string, z.ZodType>;
  evt: Record<string, z.ZodType>;
  sim: Record<string, z.ZodType>;
}

/** A contract's commands (or sim actions) as a tagged union: `switch (message.name)` narrows `message.payload` to
 *  what the schema validated, so a device needs no casts. */
export type MessageOf<M extends Record<string, z.ZodType>> = {
  [N in keyof M & string]: { name: N; payload: z.output<M[N]> };
}[keyof M & string];

/** The device's section of docs/topics.md: a table of its topics (channel, name, what the payload is) and notes. */
export interface DeviceReference {
  /** `card (card reader)`: the kind, and what it is. */
  heading: string;
  /** `['sim', 'insert', '...']`; channel `state` with an empty name for the retained state. Every command, event
   *  and sim action of the contract has its row (npm run generate checks). */
  rows: readonly (readonly [channel: 'cmd' | 'evt' | 'sim' | 'state', name: string, payload: string])[];
  notes?: string;
}

export interface DeviceModule<K extends string = string, O = unknown> {
  /** The topic level and the config key: `atm/{atm}/{kind}/...`, `atms[].devices.{kind}`. */
  readonly kind: K;
  /** What people call it. */
  readonly title: string;
  /** The ATM serves without it (a printer out of paper means no receipt, not out of service). */
  readonly optional?: boolean;
  /** Commands it takes, events it sends, a person's actions on it (the topic contract). */
  readonly contract: DeviceContract;
  /** Its section of docs/topics.md. */
  readonly reference: DeviceReference;
  /** Its settings under `atms[].{kind}` in the rig configuration, with defaults. */
  readonly options: z.ZodType<O>;
  /** The simulation. */
  readonly virtual: (options: O) => Device;
  /** The driver for the real module on a serial port, when there is one. */
  readonly serial?: (spec: SerialSpec, options: O) => Device;
  /** Names the module's frames in the serial trace (`--trace-serial`), masking what is secret. */
  readonly wire?: () => WireDecoder;
  /** The emulator that stands in for the real module on a port (kinds on one board share one). */
  readonly emulator?: EmulatorModule;
  /** What a session makes of its events: device event -> session event (none: the session ignores it). */
  readonly toSession?: (event: string, payload: Record<string, unknown>) => DeviceSessionEvent | undefined;
  /** What it does when the session emits an event (`session/evt/{name}`): the command to send it, if any. A
   *  receipt printer prints the `receipt` event, for example. */
  readonly onSessionEvent?: (name: string, payload: Record<string, unknown>) => { cmd: string; payload: object } | undefined;
  /** Topics under `atm/{atm}/{kind}/` the observer role may not read, with why. */
  readonly observerDenied?: readonly { topic: string; why: string }[];
  /** Topics outside its own that its bus user publishes (the GSM network delivers SMS to phones). */
  readonly alsoPublishes?: readonly string[];
}

/** Identity function that keeps a module's literal kind and option types. */
export function defineDevice<const K extends string, O>(module: DeviceModule<K, O>): DeviceModule<K, O> {
  return module;
}
