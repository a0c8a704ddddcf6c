/**
 * The topic contract's payload schemas, per device kind: each device module declares its own (devices/<kind>/),
 * and this is their union, read by whatever validates at the boundary (devices on the bus, the controller, the
 * emulators, the docs). A payload that fails becomes an `evt/error`, never a crash.
 */
import { z } from 'zod';
import type { DeviceContract } from './module.ts';
import { DEVICES, type DeviceKind } from './registry.ts';

export type { DeviceContract } from './module.ts';
export { Cassette, Finger, Key, Msisdn, Notes, Pan, Ref } from '../core/schemas.ts';

/** Every device's `evt/error`. */
export const DeviceError = z.object({ code: z.string(), message: z.string(), topic: z.string().optional() });
/** Every device's retained `state` carries at least this. */
export const BaseState = z.object({ online: z.boolean(), kind: z.string(), impl: z.string() });

/** The schema a contract gives a message name, or undefined: own entries only, so a topic level such as
 *  `__proto__` or `constructor` never finds Object.prototype (the attack review crashed the rig that way). */
export function schemaFor(entries: Record<string, z.ZodType>, name: string): z.ZodType | undefined {
  return Object.hasOwn(entries, name) ? entries[name] : undefined;
}

export const CONTRACT = Object.fromEntries(DEVICES.map((d) => [d.kind, d.contract])) as Record<DeviceKind, DeviceContract>;
