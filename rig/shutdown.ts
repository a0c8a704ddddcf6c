/** Stopping parts of a rig: a part that hangs (a socket that never drains, a broker that is gone) must not hang the rest. */

export interface Closer {
  name: string;
  close: () => Promise<unknown>;
}

/** Close one part; after `ms` without an answer, warn and go on. Never rejects. */
export async function closeWithin(part: Closer, ms = 3000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), ms)));
  const result = await Promise.race([part.close().catch(() => undefined), stalled]);
  clearTimeout(timer);
  if (result === 'stalled') process.emitWarning(`atm-rig: ${part.name} did not close within ${ms / 1000} s; going on`);
}
