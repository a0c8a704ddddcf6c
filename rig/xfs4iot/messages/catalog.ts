/**
 * Every XFS4IoT message the face sends or accepts, by name: the one place they are looked up, by the face on the
 * way in (a command's payload) and on the way out (every event and completion, validated before it is sent), and
 * by the rig's XFS4IoT clients on the way in. Schemas are written from shared/reference/xfs4iot.md.
 */
import { z } from 'zod';
import * as biometric from './biometric.ts';
import * as cardReader from './card-reader.ts';
import * as cash from './cash.ts';
import * as common from './common.ts';
import * as keyboard from './keyboard.ts';
import * as storage from './storage.ts';
import * as textTerminal from './text-terminal.ts';
import { command, Empty, type CommandSpec, type EventSpec } from './spec.ts';

/** Common.Status: `common` and the block of each interface the service has (camelCase keys, §3). */
export const Status = command('Common.Status', {
  completionVersion: '3.0',
  payload: Empty,
  completion: common.statusPayload({
    biometric: biometric.BiometricStatus.optional(),
    keyboard: keyboard.KeyboardStatus.optional(),
    textTerminal: textTerminal.TextTerminalStatus.optional(),
    cashDispenser: cash.CashDispenserStatus.optional(),
    cashManagement: cash.CashManagementStatus.optional(),
    cardReader: cardReader.CardReaderStatus.optional(),
  }),
  immediate: true,
});

export const Capabilities = command('Common.Capabilities', {
  completionVersion: '3.0',
  payload: Empty,
  completion: common.capabilitiesPayload({
    biometric: biometric.BiometricCapabilities.optional(),
    keyboard: keyboard.KeyboardCapabilities.optional(),
    textTerminal: textTerminal.TextTerminalCapabilities.optional(),
    cashDispenser: cash.CashDispenserCapabilities.optional(),
    cardReader: cardReader.CardReaderCapabilities.optional(),
  }),
  immediate: true,
});

const MODULES = [common, biometric, keyboard, textTerminal, cash, storage, cardReader, { Status, Capabilities }];

function collect<K extends 'command' | 'event'>(kind: K) {
  const out = new Map<string, K extends 'command' ? CommandSpec : EventSpec>();
  for (const m of MODULES)
    for (const value of Object.values(m) as unknown[]) {
      const spec = value as { kind?: unknown; name?: string };
      if (spec && typeof spec === 'object' && spec.kind === kind)
        out.set(spec.name!, value as K extends 'command' ? CommandSpec : EventSpec);
    }
  return out;
}

export const COMMANDS: ReadonlyMap<string, CommandSpec> = collect('command');
export const EVENTS: ReadonlyMap<string, EventSpec> = collect('event');

/** The payload of a completion, by its code: success -> the command's schema; commandErrorCode -> `{errorCode}` of
 *  its codes; anything else -> none. */
export function completionPayloadSchema(spec: CommandSpec, completionCode: string): z.ZodType {
  if (completionCode === 'success') return spec.completion;
  if (completionCode === 'commandErrorCode' && spec.errorCodes.length > 0)
    return z.strictObject({ errorCode: z.enum(spec.errorCodes as [string, ...string[]]) });
  return Empty;
}

export { biometric, cardReader, cash, common, keyboard, storage, textTerminal };
