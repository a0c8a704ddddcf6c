/**
 * Fault injection on the bus, for the simulator role (a person, a test, `atm-rig fault`):
 *   rig/fault/sim/add     a rule, as in the config's `faults` (docs/faults.md)
 *   rig/fault/sim/clear   {"id": "f1"} for one rule, {} for all
 *   rig/fault/state       retained: the rules in force, with how often each has applied
 *   rig/fault/evt/applied each fault as it is applied: rule, action, topic or bank route, sender; never a payload
 *   rig/fault/evt/error   a rule refused, with the reason
 */
import { z } from 'zod';
import { connectBus, publishState, resubscribeOnReconnect } from '../../core/bus.ts';
import { decode, decodeJson } from '../../core/decode.ts';
import { strictObject } from '../../core/strict-schema.ts';
import { topics } from '../../devices/topics.ts';
import type { FaultInjector } from './injector.ts';
import { describeFault, isBusFault } from './rule.ts';
import { clip } from '../../devices/device.ts';
import { maskNumbers } from '../../devices/serial/trace.ts';

const Clear = strictObject({ id: z.string().max(64).optional() });

export async function serveFaults(
  injector: FaultInjector,
  brokerUrl: string,
  credentials: { username: string; password: string },
  options: { busFaults: boolean },
): Promise<{ close(): Promise<void> }> {
  const client = await connectBus(brokerUrl, 'faults', credentials);
  // Bounded, as every error event is (docs/topics.md): a rule of 40,000 near-miss keys must not make an answer the
  // broker refuses (it would drop this client, which would send it again on every reconnect).
  const error = (topic: string, message: string) =>
    client.publish(topics.fault.error, JSON.stringify({ code: 'bad-fault', message: clip(message, 1000), topic: clip(topic, 200) }), {
      qos: 1,
    });
  const publishRules = () =>
    publishState(
      client,
      topics.fault.state,
      JSON.stringify({
        // Numbers masked as in the applied reports (a rule may name a phone's topic; the observer reads rig/#).
        faults: injector.rules.map((r) => ({
          ...r,
          ...('topic' in r ? { topic: maskNumbers(r.topic) } : {}),
          applied: injector.appliedCount(r.id),
          text: maskNumbers(describeFault(r)),
        })),
        busFaults: options.busFaults,
      }),
    );
  const offChange = injector.onChange(() => void publishRules().catch(() => undefined));
  // The counts in the state follow the faults applied, at most four times a second.
  let stateDue: NodeJS.Timeout | undefined;
  const offApplied = injector.onApplied((f) => {
    client.publish(topics.fault.applied, JSON.stringify(f), { qos: 1 });
    stateDue ??= setTimeout(() => {
      stateDue = undefined;
      void publishRules().catch(() => undefined);
    }, 250);
  });

  client.on('message', (topic, buf) => {
    if (topic === topics.fault.clear) {
      const parsed = decode(buf, Clear);
      if (!parsed.ok) return error(topic, parsed.error);
      if (injector.clear(parsed.data.id) === 0 && parsed.data.id) error(topic, `no fault called ${parsed.data.id}`);
      return;
    }
    const json = decodeJson(buf);
    if (!json.ok) return error(topic, json.error);
    try {
      const rule = injector.add(json.data, topic);
      if (isBusFault(rule) && !options.busFaults) {
        injector.clear(rule.id);
        error(topic, 'bus faults need the embedded broker (this rig uses an external one); bank faults work');
      }
    } catch (err) {
      error(topic, (err as Error).message);
    }
  });
  await client.subscribeAsync([topics.fault.add, topics.fault.clear], { qos: 1 });
  await publishRules();
  // A restarted broker lost the retained rules.
  resubscribeOnReconnect(client, [topics.fault.add, topics.fault.clear], publishRules);
  return {
    close: async () => {
      offChange();
      offApplied();
      clearTimeout(stateDue);
      await client.endAsync();
    },
  };
}
