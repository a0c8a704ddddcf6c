/**
 * The CLI's last line of defence: an exception nothing caught (a bug, or a device emulator fed a frame nobody
 * thought of) must not end the process with a bare stack trace, or worse, leave it running half dead. One clear
 * line on stderr, the stack only with ATM_RIG_DEBUG=1, and a non-zero exit (70, EX_SOFTWARE: an internal error).
 */
import { paint } from './ui.ts';

export const INTERNAL_ERROR_EXIT = 70;

export function installLastResort(name = 'atm-rig'): void {
  const die = (kind: string) => (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    console.error(
      paint(
        'red',
        `${name}: internal error (${kind}): ${message}. This is a bug: please report it with the command you ran${process.env.ATM_RIG_DEBUG ? '' : ' (ATM_RIG_DEBUG=1 shows the stack)'}.`,
      ),
    );
    if (process.env.ATM_RIG_DEBUG && err instanceof Error) console.error(err.stack);
    process.exit(INTERNAL_ERROR_EXIT);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled rejection'));
}
