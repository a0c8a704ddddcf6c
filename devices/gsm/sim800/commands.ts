/** Every command the emulator knows, by name (`E`, `&F`, `+CMGS`): anything else answers ERROR. */
import { generalCommands } from './commands-general.ts';
import type { Handler } from './context.ts';
import { smsCommands } from './commands-sms.ts';

export const commandsOf: Readonly<Record<string, Handler | undefined>> = { ...generalCommands, ...smsCommands };
