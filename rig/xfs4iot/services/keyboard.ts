/**
 * Keyboard over the keypad (docs/xfs4iot.md): DataEntry, in the clear, a KeyEvent per key. PinEntry is not offered:
 * its digits stay in the device for a PinPad PIN block under keys the rig does not have, so an application collects
 * a PIN with DataEntry and the bank checks it over its HTTP API.
 */
import type { AtmBus } from '../atm-bus.ts';
import * as K from '../messages/keyboard.ts';
import { commandError, fail, handle, ok, type ServiceDefinition } from '../service.ts';
import { deviceInformation, deviceState, watchStatus } from './device-status.ts';
import { claimKeypad, keypadReader } from './keypad-claim.ts';
import { digitOf, keyboardKey } from './keys.ts';

type KeyCompletion = (typeof K.KEY_COMPLETIONS)[number];

/** How a key ends (terminates) an entry, as a `completion` value. */
function terminatedBy(key: K.KeyboardKey): KeyCompletion {
  if (key === 'enter' || key === 'cancel' || key === 'clear') return key;
  if (key.startsWith('fdk')) return 'fdk';
  return 'auto';
}

/** Why an ATM's keypad is not read over XFS4IoT: the rig's own controller runs it (`controller: rig`) and collects
 *  its PINs from that keypad; a client of the face reading it too would read them (the attack re-review). */
export const keypadWithheld = (atmId: string) =>
  `${atmId} is run by the rig's own controller (controller: rig): its keypad is not read over XFS4IoT`;

/** `readsKeypad`: false for an ATM the rig's own controller runs: DataEntry is then not offered (keypadWithheld). */
export function keyboardService(bus: AtmBus, name: string, readsKeypad: boolean): ServiceDefinition {
  let unwatch = () => undefined as void;

  const dataEntry = handle(K.DataEntry, async ({ payload, signal, event }) => {
    const active = payload.activeKeys ?? {};
    const names = Object.keys(active);
    if (names.length === 0) return commandError('noActivekeys');
    const missing = names.filter((k) => !(K.KEYBOARD_KEYS as readonly string[]).includes(k));
    if (missing.length) return commandError('keyNotSupported', `this keypad has no ${missing.join(', ')}`);
    if (!bus.online('keypad')) return fail('deviceNotReady');
    const maxLen = payload.maxLen ?? 0;
    const release = claimKeypad(bus, K.DataEntry.name);
    if (!release) return fail('sequenceError', `the keypad is being read by ${keypadReader(bus)}`);
    const inbox = bus.listen('keypad', (m) => {
      const key = m.name === 'key' ? keyboardKey(String(m.payload.key)) : undefined;
      return key !== undefined && Object.hasOwn(active, key);
    });
    const pinKeys: { completion: KeyCompletion; digit: K.KeyboardKey }[] = [];
    const entered = () => pinKeys.filter((k) => digitOf(k.digit) !== undefined).length;
    const done = (completion: KeyCompletion) => ok({ keys: pinKeys.length, pinKeys, completion });
    try {
      // Ready for input: keys pressed before this are not this entry's.
      event(K.EnterDataEvent, {});
      for (;;) {
        const key = keyboardKey(String((await inbox.take(signal)).payload.key))!;
        if (active[key]!.terminate) {
          const completion = terminatedBy(key);
          pinKeys.push({ completion, digit: key });
          event(K.KeyEvent, { completion, digit: key });
          return done(completion);
        }
        if (key === 'clear') {
          pinKeys.length = 0;
          event(K.KeyEvent, { completion: 'clear', digit: key });
          continue;
        }
        const isDigit = digitOf(key) !== undefined;
        // A full entry takes no more digits (a real keypad beeps).
        if (isDigit && maxLen > 0 && entered() >= maxLen) continue;
        const completion: KeyCompletion = isDigit ? 'continue' : 'fdk';
        pinKeys.push({ completion, digit: key });
        event(K.KeyEvent, { completion, digit: key });
        if (isDigit && payload.autoEnd && maxLen > 0 && entered() === maxLen) return done('auto');
      }
    } finally {
      inbox.close();
      release();
    }
  });

  return {
    name,
    interfaces: ['Common', 'Keyboard'],
    handlers: readsKeypad ? [dataEntry] : [],
    ...(readsKeypad ? {} : { withheld: { [K.DataEntry.name]: keypadWithheld(bus.atmId) } }),
    events: readsKeypad ? [K.EnterDataEvent, K.KeyEvent] : [],
    get deviceInformation() {
      return deviceInformation(bus, 'keypad');
    },
    status: () => ({
      device: deviceState(bus, ['keypad']),
      blocks: { keyboard: { autoBeepMode: { activeAvailable: false, inactiveAvailable: false } } },
    }),
    capabilities: () => ({
      keyboard: {
        autoBeep: { activeAvailable: false, activeSelectable: false, inactiveAvailable: false, inactiveSelectable: false },
        etsCaps: [],
      },
    }),
    attach(o) {
      unwatch = watchStatus(bus, ['keypad'], o);
    },
    close: () => unwatch(),
  };
}
