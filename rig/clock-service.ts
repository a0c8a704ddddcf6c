/**
 * Puts a ManualClock on the bus, so tests and QA steps move time like any other simulated action:
 *   rig/clock/sim/advance  {"ms": 300000}   (only when the rig runs with clock: manual)
 *   rig/clock/state        {"mode", "now"}  (retained)
 */
import { z } from 'zod';
import { ManualClock, type RigClock } from '../core/clock.ts';
import { connectBus, publishState, resubscribeOnReconnect } from '../core/bus.ts';
import { decode } from '../core/decode.ts';
import { topics } from '../devices/topics.ts';

export const CLOCK_TOPICS = topics.clock;
const Advance = z.object({
  ms: z
    .number()
    .int()
    .min(0)
    .max(366 * 86_400_000),
});

export async function serveClock(
  clock: RigClock,
  brokerUrl: string,
  credentials?: { username: string; password: string },
): Promise<{ close(): Promise<void> }> {
  const client = await connectBus(brokerUrl, 'clock', credentials ?? {});
  const manual = clock instanceof ManualClock;
  const publishClock = () =>
    publishState(client, CLOCK_TOPICS.state, JSON.stringify({ mode: manual ? 'manual' : 'system', now: clock.now() }));
  client.on('message', (_topic, buf) => {
    const parsed = decode(buf, Advance);
    if (!parsed.ok) {
      client.publish(
        CLOCK_TOPICS.error,
        JSON.stringify({ code: 'bad-payload', message: 'expected {"ms": <non-negative integer>}', topic: CLOCK_TOPICS.advance }),
      );
      return;
    }
    if (!manual) {
      client.publish(
        CLOCK_TOPICS.error,
        JSON.stringify({
          code: 'not-manual',
          message: 'the rig runs on the system clock; start it with --clock manual',
          topic: CLOCK_TOPICS.advance,
        }),
      );
      return;
    }
    clock.advance(parsed.data.ms);
    void publishClock();
  });
  await client.subscribeAsync(CLOCK_TOPICS.advance, { qos: 1 });
  await publishClock();
  // A restarted broker (an external one; the embedded one's restart loses it too) lost the retained state.
  resubscribeOnReconnect(client, [CLOCK_TOPICS.advance], publishClock);
  return { close: () => client.endAsync() };
}
