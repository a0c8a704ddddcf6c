/**
 * A child of `npm run bench`: a rig with N idle virtual ATMs (every device and controller connected), then its
 * resident memory after a garbage collection, as one JSON line. Its own process, so nothing else the bench did
 * weighs on the figure. Run with --expose-gc.
 */
import { startRig } from '../rig/rig.ts';

const atms = Number(process.argv[2] ?? 1);
const t0 = performance.now();
const rig = await startRig({
  seed: 1,
  broker: { port: 0, wsPort: null, hashIterations: 1 },
  bank: { port: 0, file: ':memory:', hashLogN: 4 },
  atms: Array.from({ length: atms }, (_, i) => ({ id: `atm-${i + 1}` })),
});
const upS = (performance.now() - t0) / 1000;
// Let the first states settle, then collect what start-up left behind.
await new Promise((r) => setTimeout(r, 2000));
(globalThis as { gc?: () => void }).gc?.();
const { rss, heapUsed } = process.memoryUsage();
console.log(JSON.stringify({ atms, upS, rssMiB: rss / 2 ** 20, heapMiB: heapUsed / 2 ** 20, clients: rig.broker?.aedes.connectedClients }));
await rig.close();
process.exit(0);
