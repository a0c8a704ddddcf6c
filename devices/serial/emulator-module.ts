/**
 * An emulator as a module: the real module's protocol on a serial port, with the virtual device's behaviour behind
 * it. `atm-rig emulate <name>` and the all-serial Cucumber runs start one by name; it acts out the person's `sim/`
 * actions of the device it stands in for.
 */
import type { RigClock } from '../../core/clock.ts';
import type { Random } from '../../core/random.ts';
import type { SerialLink } from './link.ts';

export interface EmulatorContext {
  atmId: string;
  random: Random;
  clock: RigClock;
  /** The ATM's settings, by device kind (`atms[].gsm`, `atms[].dispenser`, ...): what the module is loaded with. */
  settings: Readonly<Record<string, unknown>>;
  /** Publish on the bus, when the emulator is on one (the GSM network delivering an SMS). */
  publish(topic: string, payload: object): void;
}

export interface Emulation {
  /** The protocol emulator itself, for tests that drive it from code. */
  device: unknown;
  /** A person's action on the device it stands in for (validated against the contract already). */
  onSim(name: string, data: Record<string, unknown>): void;
}

export interface EmulatorModule {
  /** What `atm-rig emulate <name>` takes. */
  readonly name: string;
  /** The rate the real module talks at out of the box (`atm-rig emulate` opens the port at it unless --baud). */
  readonly baud: number;
  /** The device kinds it serves on one port; the first is the one whose sim topics it acts out. */
  readonly serves: readonly [string, ...string[]];
  start(link: SerialLink, ctx: EmulatorContext): Emulation;
  /** What the console says once it runs. */
  hint(port: string, atmId: string): string;
}
