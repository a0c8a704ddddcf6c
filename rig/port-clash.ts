/** A port someone else holds, named by the option that sets it, so the message says what to change. Small and
 *  free of the broker's imports: the CLI reads it without loading Aedes. */
export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  constructor(
    readonly port: number,
    readonly option: string,
  ) {
    super(`port ${port} (${option}) is already in use`);
  }
}

/** `err` as a PortInUseError naming `option` when it is EADDRINUSE; otherwise `err` itself. */
export function namePortClash(err: unknown, port: number, option: string): unknown {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE' && !(err instanceof PortInUseError)
    ? new PortInUseError(port, option)
    : err;
}
