/**
 * One reader of an ATM's keypad at a time, across its Keyboard and TextTerminal services. Each service has its own
 * queue, so without this a TextTerminal.Read (echo `text`) could run beside a Keyboard.DataEntry and echo the PIN
 * typed for it on the LCD, whose state is retained on the bus and readable by the observer role. The second reader
 * completes `sequenceError` (shared/reference/xfs4iot.md §2): the code the spec has for a command that is not valid
 * in the device's current state, as KAL answers a Biometric.Match out of turn (§4.1). It is not queued behind the
 * first: a Read waiting in TextTerminal's queue would hold up the Writes an application echoes a PIN with.
 */
import type { AtmBus } from '../atm-bus.ts';

const readers = new WeakMap<AtmBus, { who: string }>();

/** The keypad for `who` (a command's name): a function that gives it back, or undefined while another reads it. */
export function claimKeypad(bus: AtmBus, who: string): (() => void) | undefined {
  if (readers.has(bus)) return undefined;
  const claim = { who };
  readers.set(bus, claim);
  return () => {
    if (readers.get(bus) === claim) readers.delete(bus);
  };
}

/** Who reads the keypad now, for an errorDescription. */
export const keypadReader = (bus: AtmBus): string | undefined => readers.get(bus)?.who;
