// What docs/topics.md and docs/configuration.md tell a user, checked against the real thing: the "Trying it by hand"
// commands run as written against `atm-rig up`, the clock's error events are as documented, and the settings are
// one table.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startRig, type Rig } from '../rig/rig.ts';
import { spawnCli, type CliRun } from '../rig/spawn-cli.ts';

const read = (name: string) => readFile(new URL(name, import.meta.url), 'utf8');
const running: { rig?: Rig; cli?: CliRun } = {};
afterEach(async () => {
  running.cli?.child.kill('SIGKILL');
  await running.rig?.close();
});

describe('docs/topics.md, "Trying it by hand"', () => {
  it('its mosquitto_pub lines, as written, start a session with ENTER and end it with CANCEL', async () => {
    const md = await read('./topics.md');
    const block = /## Trying it by hand[\s\S]*?```sh\n([\s\S]*?)```/.exec(md)?.[1] ?? '';
    // Everything but starting the rig (done here, on free ports) and mosquitto_sub (it runs until stopped).
    const lines = block.split('\n').filter((l) => /^(SIM=|mosquitto_pub )/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const dir = await mkdtemp(join(tmpdir(), 'atm-rig-by-hand-'));
    const up = spawnCli(['up', '--plain', '--data', './data/bank.json', '--mqtt-port', '0', '--ws-port', '0', '--bank-port', '0', '--hash-cost', '10'], { cwd: dir });
    running.cli = up;
    const [, port] = await up.until(/MQTT\s+mqtt:\/\/127\.0\.0\.1:(\d+)/);
    await up.until(/atm-1 idle/);
    // The page's commands assume the default port; this rig is on a free one.
    const script = [`mosquitto_pub() { command mosquitto_pub -p ${port} "$@"; }`, ...lines].join('\n');
    await promisify(execFile)('sh', ['-e', '-c', script], { cwd: dir });
    await up.until(/atm-1 session\.auth\.fingerprint\.waiting \| Place finger/);
    await up.until(/atm-1 ending\.goodbye \| Cancelled/);
  }, 60_000);

  it('the clock\'s error events carry the topic, and their codes are listed', async () => {
    const rig = await startRig({ broker: { port: 0, wsPort: null, hashIterations: 10 }, bank: { port: 0, file: ':memory:', hashLogN: 10 } });
    running.rig = rig;
    const client = await mqtt.connectAsync(rig.brokerUrl, { ...rig.bus.simulator, reconnectPeriod: 0 });
    const errors: Record<string, unknown>[] = [];
    client.on('message', (_t, buf) => errors.push(JSON.parse(buf.toString()) as Record<string, unknown>));
    await client.subscribeAsync('rig/clock/evt/error', { qos: 1 });
    await client.publishAsync('rig/clock/sim/advance', '{"ms": 1000}', { qos: 1 });
    await client.publishAsync('rig/clock/sim/advance', 'not json', { qos: 1 });
    await expect.poll(() => errors.length).toBe(2);
    await client.endAsync();
    expect(errors).toEqual([
      expect.objectContaining({ code: 'not-manual', topic: 'rig/clock/sim/advance' }),
      expect.objectContaining({ code: 'bad-payload', topic: 'rig/clock/sim/advance' }),
    ]);
    const codes = /Codes: ([\s\S]*?)\n\n/.exec(await read('./topics.md'))?.[1] ?? '';
    expect(codes).toContain('`not-manual`');
    expect(codes).toContain('`bad-payload`');
  });
});

describe('docs/configuration.md', () => {
  it('lists every setting in one table', async () => {
    const md = await read('./configuration.md');
    const table = /^\| setting \|[^\n]*\n(\|[^\n]*\n)*/m.exec(md)?.[0] ?? '';
    for (const setting of ['`seed`', '`bank.dailyWithdrawalLimit`', '`atms[].id`', '`dashboard.flowFile`']) expect(table).toContain(`| ${setting}`);
  });
});
