/**
 * Every device kind atm-rig knows, one line each. Everything else (the configuration's `devices` keys and device
 * settings, the topic contract, the bus users and ACL, the observer's deny list, the CLI's `emulate`, the
 * controller's event mapping, the Node-RED contract, the docs' device tables) is read from here.
 */
import { card } from './card/index.ts';
import { dispenser } from './dispenser/index.ts';
import { fingerprint } from './fingerprint/index.ts';
import { gsm } from './gsm/index.ts';
import { keypad } from './keypad/index.ts';
import { lcd } from './lcd/index.ts';
import { printer } from './printer/index.ts';
import type { DeviceModule } from './module.ts';
import type { EmulatorModule } from './serial/emulator-module.ts';

export const DEVICES = [card, keypad, fingerprint, lcd, gsm, dispenser, printer] as const;

export type DeviceKind = (typeof DEVICES)[number]['kind'];
export const DEVICE_KINDS: readonly DeviceKind[] = DEVICES.map((d) => d.kind);

export function deviceModule(kind: string): DeviceModule | undefined {
  return (DEVICES as readonly DeviceModule[]).find((d) => d.kind === kind);
}

/** The emulators, one per port type (the keypad and the LCD share one board). */
export const EMULATORS: readonly EmulatorModule[] = [
  ...new Set((DEVICES as readonly DeviceModule[]).flatMap((d) => (d.emulator ? [d.emulator] : []))),
];

/** Kinds with a driver for the real module on a serial port. */
export const SERIAL_KINDS: readonly DeviceKind[] = DEVICES.filter((d) => 'serial' in d).map((d) => d.kind);
