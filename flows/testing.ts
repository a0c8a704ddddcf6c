/** For flow tests: a rig with Node-RED on a copy of a flow (Deploy saves to the flow file, and a test must never
 *  touch the repository's), a person on its bus, and one call that closes it all and removes the folder. */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtmClient } from '../rig/atm-client.ts';
import { startDashboard, type RunningDashboard } from '../rig/dashboard.ts';
import { startRig, type Rig } from '../rig/rig.ts';

export interface FlowRig {
  dir: string;
  rig: Rig;
  dashboard: RunningDashboard;
  person: AtmClient;
  close(): Promise<void>;
}

export async function startFlowRig(flow: string, o: { seed: number; prepare?: (rig: Rig) => Promise<unknown> }): Promise<FlowRig> {
  const dir = await mkdtemp(join(tmpdir(), 'atm-rig-flows-'));
  const rig = await startRig({
    seed: o.seed,
    broker: { port: 0, wsPort: null, hashIterations: 10 },
    bank: { port: 0, file: join(dir, 'bank.json'), hashLogN: 10 },
    atms: [{ id: 'atm-1', gsm: { deliveryDelayMs: 0 } }],
  });
  await o.prepare?.(rig);
  await copyFile(flow, join(dir, 'flows.json'));
  const dashboard = await startDashboard(rig, { port: 0, userDir: join(dir, 'node-red'), flowFile: join(dir, 'flows.json') });
  const person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
  return {
    dir,
    rig,
    dashboard,
    person,
    async close() {
      await person.close();
      await dashboard.close();
      await rig.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
