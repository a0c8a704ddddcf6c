/**
 * TextTerminal over the 4x20 LCD and the keypad (docs/xfs4iot.md): Write and ClearScreen draw on the face's copy
 * of the screen and send it whole to `lcd/cmd/show`; Read collects characters from the keypad, echoed on the LCD as
 * typed, as `*`, or not at all. The keypad's letter keys are typed here (Keyboard has no names for them).
 */
import type { AtmBus } from '../atm-bus.ts';
import * as T from '../messages/text-terminal.ts';
import { commandError, fail, handle, ok, type ServiceDefinition } from '../service.ts';
import { deviceInformation, deviceState, watchStatus } from './device-status.ts';
import { Display, HEIGHT, WIDTH } from './display.ts';
import { claimKeypad, keypadReader } from './keypad-claim.ts';
import { keypadWithheld } from './keyboard.ts';
import { DATA_KEYS, terminalKey } from './keys.ts';

/** `readsKeypad`: false for an ATM the rig's own controller runs: Read is then not offered, GetKeyDetail names no
 *  keys and Status says `keyboard: off` (keyboard.ts, keypadWithheld). */
export function textTerminalService(bus: AtmBus, name: string, readsKeypad: boolean): ServiceDefinition {
  let unwatch = () => undefined as void;
  let display: Display | undefined;
  // What the LCD shows when the face first draws: its retained state (another writer may have drawn before).
  const screen = () => (display ??= new Display(((bus.state('lcd')?.lines as string[] | undefined) ?? []).map(String)));
  const show = () => bus.command('lcd', 'show', { lines: screen().lines });
  const ready = () => bus.online('lcd');

  const write = handle(T.Write, async ({ payload }) => {
    if (!Display.printable(payload.text)) return commandError('characterSetsData', 'the LCD shows printable ASCII only');
    const at = screen().position(payload.mode, payload.posX, payload.posY);
    if (!at) return fail('invalidData', `position outside the ${WIDTH}x${HEIGHT} display`);
    if (!ready()) return fail('deviceNotReady');
    screen().write(at, payload.text);
    await show();
    return ok();
  });

  const clearScreen = handle(T.ClearScreen, async ({ payload }) => {
    if (!ready()) return fail('deviceNotReady');
    screen().clear(payload.screen);
    await show();
    return ok();
  });

  const setResolution = handle(T.SetResolution, async ({ payload }) => {
    if (payload.resolution.sizeX !== WIDTH || payload.resolution.sizeY !== HEIGHT) return commandError('resolutionNotSupported');
    if (!ready()) return fail('deviceNotReady');
    screen().clear();
    await show();
    return ok();
  });

  const reset = handle(T.Reset, async () => {
    if (!ready()) return fail('deviceNotReady');
    screen().clear();
    await show();
    return ok();
  });

  const keyDetail = handle(T.GetKeyDetail, async () =>
    ok(readsKeypad ? { keys: [...DATA_KEYS], commandKeys: [...T.COMMAND_KEYS] } : { keys: [], commandKeys: [] }),
  );

  const read = handle(T.Read, async ({ payload, signal, event }) => {
    const keys = new Set(payload.activeKeys ?? []);
    const commands = payload.activeCommandKeys ?? {};
    if (keys.size === 0 && Object.keys(commands).length === 0) return commandError('noActiveKeys');
    const missing = [
      ...[...keys].filter((k) => !DATA_KEYS.includes(k)),
      ...Object.keys(commands).filter((k) => !(T.COMMAND_KEYS as readonly string[]).includes(k)),
    ];
    if (missing.length) return commandError('keyNotSupported', `this keypad has no ${missing.join(', ')}`);
    const at = screen().position(payload.mode, payload.posX, payload.posY);
    if (!at) return fail('invalidData', `position outside the ${WIDTH}x${HEIGHT} display`);
    if (!ready() || !bus.online('keypad')) return fail('deviceNotReady');
    const release = claimKeypad(bus, T.Read.name);
    if (!release) return fail('sequenceError', `the keypad is being read by ${keypadReader(bus)}`);
    const inbox = bus.listen('keypad', (m) => {
      const k = m.name === 'key' ? terminalKey(String(m.payload.key)) : undefined;
      return k !== undefined && ('key' in k ? keys.has(k.key) : Object.hasOwn(commands, k.commandKey));
    });
    let input = '';
    const width = Math.min(payload.numOfChars || WIDTH, WIDTH - at.x);
    // Echo: the characters, `*` for a password, nothing when invisible; then the cursor (`_`) where the next one
    // goes when `visible`. The cursor appears when the Read starts listening: a person (or a test) sees it is ready.
    const draw = async (cursor: boolean) => {
      const shown = payload.echoMode === 'invisible' ? '' : payload.echoMode === 'password' ? '*'.repeat(input.length) : input;
      if (payload.echoMode === 'invisible' && !payload.visible) return;
      screen().clear({ positionX: at.x, positionY: at.y, width, height: 1 });
      screen().write(at, cursor && payload.visible && shown.length < width ? `${shown}_` : shown);
      await show();
    };
    const echo = () => draw(true);
    try {
      await echo();
      for (;;) {
        const k = terminalKey(String((await inbox.take(signal)).payload.key))!;
        if ('commandKey' in k) {
          event(T.KeyEvent, { commandKey: k.commandKey });
          if (commands[k.commandKey]!.terminate) return ok({ input });
          if (k.commandKey === 'clear') {
            input = '';
            await echo();
          }
          continue;
        }
        if (payload.numOfChars > 0 && input.length >= payload.numOfChars) continue;
        input += k.key;
        event(T.KeyEvent, { key: k.key });
        await echo();
        if (payload.autoEnd && payload.numOfChars > 0 && input.length === payload.numOfChars) return ok({ input });
      }
    } finally {
      inbox.close();
      release();
      if (payload.visible) await draw(false).catch(() => undefined);
    }
  });

  return {
    name,
    interfaces: ['Common', 'TextTerminal'],
    handlers: [write, clearScreen, setResolution, reset, keyDetail, ...(readsKeypad ? [read] : [])],
    ...(readsKeypad ? {} : { withheld: { [T.Read.name]: keypadWithheld(bus.atmId) } }),
    events: readsKeypad ? [T.KeyEvent] : [],
    get deviceInformation() {
      return deviceInformation(bus, 'lcd');
    },
    status: () => ({
      device: deviceState(bus, ['lcd']),
      blocks: {
        textTerminal: {
          keyboard: readsKeypad && bus.online('keypad') ? 'on' : 'off',
          keyLock: 'off',
          displaySizeX: WIDTH,
          displaySizeY: HEIGHT,
        },
      },
    }),
    capabilities: () => ({
      textTerminal: { type: 'fixed', resolutions: [{ sizeX: WIDTH, sizeY: HEIGHT }], keyLock: false, cursor: true, forms: false },
    }),
    attach(o) {
      unwatch = watchStatus(bus, readsKeypad ? ['lcd', 'keypad'] : ['lcd'], o);
    },
    close: () => unwatch(),
  };
}
