/** The worker thread that makes a load population (population-maker.ts) and hands it over a batch at a time, at
 *  most a few batches ahead of the thread that writes them. */
import { parentPort, workerData } from 'node:worker_threads';
import { makePopulation, type MakerOptions } from './population-maker.ts';

const port = parentPort!;
let credit = 3;
let wake: (() => void) | undefined;
port.on('message', () => {
  credit++;
  wake?.();
});
for await (const people of makePopulation(workerData as MakerOptions)) {
  while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
  credit--;
  port.postMessage(people);
}
port.postMessage(null);
port.close();
