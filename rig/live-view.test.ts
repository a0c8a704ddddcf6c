// `atm-rig up --plain`: one line per change, including a device that goes offline and comes back, with why.
import { PassThrough } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { startLiveView } from './live-view.ts';
import { startRig, type Rig } from './rig.ts';

let rig: Rig | undefined;
afterAll(async () => {
  await rig?.close();
});

it('prints a line when a device goes offline and when it is back', async () => {
  rig = await startRig({
    clock: 'manual',
    broker: { port: 0, wsPort: null, hashIterations: 10 },
    bank: { port: 0, file: ':memory:', hashLogN: 4 },
  });
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const view = await startLiveView(rig, ['header'], { plain: true, out: out as unknown as NodeJS.WriteStream });
  const until = async (re: RegExp) => {
    for (let i = 0; i < 200 && !re.test(text); i++) await new Promise((r) => setTimeout(r, 25));
    expect(text).toMatch(re);
  };
  await new Promise((r) => setTimeout(r, 200)); // the retained states first
  const keypad = rig.atms[0]!.devices.find((d) => d.device.kind === 'keypad')!;
  keypad.client.options.reconnectPeriod = 0;
  keypad.client.stream.destroy(); // a pulled cable: the broker publishes its last will
  await until(/^atm-1 keypad offline/m);
  keypad.client.options.reconnectPeriod = 100;
  keypad.client.reconnect();
  await until(/^atm-1 keypad online$/m);
  await view.close();
});
