// The CLI as a user runs it: `atm-rig up` in a child process, watched with mosquitto_sub and driven with
// mosquitto_pub (Debian's mosquitto-clients, installed by scripts/system-deps.sh); `atm-rig demo --once`.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('./bin.js', import.meta.url));
const FAST = ['--mqtt-port', '0', '--ws-port', '0', '--bank-port', '0', '--data', ':memory:', '--hash-cost', '10'];
const children: ChildProcessWithoutNullStreams[] = [];

function hasMosquittoClients(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v mosquitto_sub && command -v mosquitto_pub'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const until = (re: RegExp, ms = 40_000) =>
    // a budget: a loaded machine starts the CLI slowly
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${re} in output:\n${out}`)), ms);
      const check = () => {
        const m = re.exec(out);
        if (m) {
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve(m);
        }
      };
      child.stdout.on('data', check);
      check();
    });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, until, exit, output: () => out };
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe.skipIf(!hasMosquittoClients())('atm-rig up with the mosquitto clients', () => {
  it('shows the traffic to mosquitto_sub, and mosquitto_pub on keypad/sim/press moves the session', async () => {
    const up = run(['up', '--plain', ...FAST]);
    const [, port] = await up.until(/MQTT\s+mqtt:\/\/127\.0\.0\.1:(\d+)/);
    const [, user, pass] = await up.until(/mosquitto_sub -h \S+ -p \d+ -u (\S+) -P '([^']+)'/);
    await up.until(/atm-1 idle/);
    const auth = ['-u', user!, '-P', pass!];

    // Without credentials the broker refuses the connection.
    expect(() =>
      execFileSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', port!, '-t', 'atm/atm-1/keypad/sim/press', '-m', '{"key":"ENTER"}'], {
        stdio: 'pipe',
      }),
    ).toThrow();

    const sub = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', port!, ...auth, '-t', 'atm/#', '-v']);
    children.push(sub);
    let seen = '';
    sub.stdout.on('data', (d: Buffer) => (seen += d.toString()));
    // Retained states arrive at once: the session is idle and the LCD says what to do.
    await expect.poll(() => seen, { timeout: 5000 }).toMatch(/atm\/atm-1\/session\/state \{[^\n]*"state":"idle"/);

    execFileSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', port!, ...auth, '-t', 'atm/atm-1/keypad/sim/press', '-m', '{"key":"ENTER"}']);
    await up.until(/atm-1 session\.auth\.fingerprint\.waiting \| Place finger \d+/);
    await expect.poll(() => seen, { timeout: 5000 }).toMatch(/atm\/atm-1\/keypad\/evt\/key \{"key":"ENTER"\}/);
    await expect.poll(() => seen, { timeout: 5000 }).toMatch(/atm\/atm-1\/lcd\/cmd\/show \{"lines":\["Place finger \d+"/);

    up.child.kill('SIGINT');
    expect(await up.exit).toBe(0);
  });
});

describe('atm-rig demo --once', () => {
  it('completes a seed001 withdrawal and exits 0', async () => {
    const demo = run(['demo', '--once', ...FAST]);
    expect(await demo.exit).toBe(0);
    expect(demo.output()).not.toContain('none yet'); // the demo seeds its customers right after the banner
    expect(demo.output()).toMatch(/Place finger \d+/);
    expect(demo.output()).toContain('📱 atm-rig: your one-time code is ******');
    // No code on the console, whole or typed one key a line (issue 10.6).
    expect(demo.output()).not.toMatch(/code is [0-9A-Z]{4,}/);
    expect(demo.output()).not.toMatch(/(?:keypad\/evt\/key|keypad\/sim\/press) \{"key":"\d"\}[^]*Enter OTP/);
    expect([...demo.output().matchAll(/Enter OTP[^\n]*\n[^\n]*│ ([^ │]+)/g)].every((m) => /^\**$/.test(m[1]!))).toBe(true);
    expect(demo.output()).toMatch(/✔ Session completed: dispensed \{"10000":2\}; balance 5000 -> 4800/);
  }, 60_000);
});

describe('atm-rig seed, then export --k 5', () => {
  it('writes a CSV that it verifies as 5-anonymous', async () => {
    const { mkdtemp, readFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'atm-rig-export-'));
    const data = join(dir, 'bank.json');
    const seed = run(['seed', '--data', data, '--hash-cost', '10']);
    expect(await seed.exit).toBe(0);
    const out = join(dir, 'export.csv');
    const exp = run(['export', '--k', '5', '--data', data, '--out', out]);
    expect(await exp.exit).toBe(0);
    expect(exp.output()).toMatch(/✔ verified: every class in .* has at least 5 customers/);
    expect(exp.output()).toMatch(/generalisation\s+age@\d/);
    const csv = await readFile(out, 'utf8');
    expect(csv.split('\n')[0]).toBe('person,age,gender,city,provider,balance,pan,transaction,amount');
    expect(csv).not.toContain('Alice');
    const impossible = run(['export', '--k', '500', '--suppress', '0', '--data', data, '--out', join(dir, 'x.csv')]);
    expect(await impossible.exit).toBe(1);
    expect(impossible.output()).toMatch(/No generalisation makes 203 customers 500-anonymous/);
  }, 60_000);
});

describe('atm-rig emulate', () => {
  it('serves a ZFM fingerprint module on a serial port that a host can talk to', async () => {
    const { openPtyPair } = await import('../devices/serial/pty.ts');
    const { SerialLink } = await import('../devices/serial/link.ts');
    const { ZfmHost } = await import('../devices/fingerprint/zfm/host.ts');
    const pair = await openPtyPair();
    const emulate = run(['emulate', 'fingerprint', '--port', pair.b, '--data', ':memory:', '--mqtt-port', '1']);
    await emulate.until(/Emulating a ZFM fingerprint module on/);
    // No broker on port 1: it says that a person's actions cannot reach it, and what to do.
    await emulate.until(/Not on the bus: no broker answers at mqtt:\/\/127\.0\.0\.1:1\. Start the rig first/);
    const link = new SerialLink({ path: pair.a, baudRate: 57600 });
    const up = new Promise<void>((r) => link.once('up', () => r()));
    link.start();
    await up;
    const host = new ZfmHost(link);
    await host.verifyPassword(0);
    expect(await host.readSysPara()).toMatchObject({ capacity: 1000 });
    expect(await host.genImg()).toBe(false);
    await link.close();
    emulate.child.kill('SIGINT');
    expect(await emulate.exit).toBe(0);
    await pair.close();
  }, 30_000);
});

describe.concurrent('the command line itself (commander)', () => {
  const cli = async (args: string[]) => (await import('./spawn-cli.ts')).runCliToEnd(args);

  it("each command's --help is its own: its options, not another command's, and examples", async () => {
    const up = await cli(['up', '--help']);
    const exp = await cli(['export', '--help']);
    const emulate = await cli(['emulate', '--help']);
    for (const r of [up, exp, emulate]) expect(r.code).toBe(0);
    expect(up.output).toMatch(/^Usage: atm-rig up \[options\]/);
    expect(up.output).toMatch(/--dashboard\b[\s\S]*--mqtt-port <n>[\s\S]*--device <kind=spec>[\s\S]*Examples:/);
    for (const other of ['--k ', '--out ', '--port ', '--baud ', '--once']) expect(up.output).not.toContain(other);
    expect(exp.output).toMatch(/^Usage: atm-rig export \[options\]/);
    expect(exp.output).toMatch(/--k <n>[\s\S]*--suppress <share>[\s\S]*--data <file>/);
    for (const other of ['--dashboard', '--mqtt-port', '--device', '--plain', '--port ']) expect(exp.output).not.toContain(other);
    expect(emulate.output).toMatch(/^Usage: atm-rig emulate \[options\] <device>/);
    // The help names every emulator the registry has (it cannot load the registry: that loads serialport).
    const { EMULATORS } = await import('../devices/registry.ts');
    const { EMULATOR_NAMES } = await import('./commands/emulate.ts');
    expect(EMULATOR_NAMES).toEqual(EMULATORS.map((e) => e.name));
    // `help <command>` is the command's --help; `help` and --help list the commands.
    expect((await cli(['help', 'export'])).output).toBe(exp.output);
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    expect((await cli(['help'])).output).toBe(top.output);
    for (const name of ['up', 'demo', 'seed', 'profiles', 'export', 'ports', 'emulate', 'help'])
      expect(top.output).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(top.output).not.toContain('--mqtt-port');
  }, 60_000); // six CLI starts in a row: a budget for a loaded machine, not a figure

  it("--version prints package.json's version", async () => {
    const { readFile } = await import('node:fs/promises');
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await cli(['--version'])).toEqual({ code: 0, output: `${version}\n` });
  });

  it('an unknown command or option gets the nearest real one and a non-zero exit', async () => {
    const command = await cli(['emulat', 'fingerprint']);
    expect(command.code).toBe(2);
    expect(command.output).toBe('atm-rig: unknown command "emulat" (did you mean emulate?); atm-rig --help lists the commands\n');
    const help = await cli(['help', 'sed']);
    expect(help.code).toBe(2);
    expect(help.output).toContain('unknown command "sed" (did you mean seed?)');
    const option = await cli(['up', '--dashbord']);
    expect(option.code).toBe(1);
    expect(option.output).toBe('atm-rig: unknown option --dashbord (did you mean --dashboard?); atm-rig up --help lists its options\n');
  });

  it('an option of another command is refused, naming the command that takes it', async () => {
    const seed = await cli(['seed', '--k', '5', '--data', ':memory:']);
    expect(seed.code).toBe(1);
    expect(seed.output).toBe('atm-rig: seed does not take --k (export does); atm-rig seed --help lists its options\n');
    const profiles = await cli(['profiles', '--once']);
    expect(profiles.code).toBe(1);
    expect(profiles.output).toContain('profiles does not take --once (demo does)');
  });

  it('--help loads no broker, bank, Node-RED or serialport', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    // A resolve hook that names every heavy module the process loads.
    const hook = `export async function resolve(s, c, next) { const r = await next(s, c); if (/serialport|node-red|aedes|fastify|lowdb|xstate|zod|\\/rig\\.ts|\\/bank\\//.test(r.url)) process.stderr.write('HEAVY ' + r.url + '\\n'); return r; }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      '--import',
      `data:text/javascript,${encodeURIComponent(register)}`,
      BIN,
      '--help',
    ]);
    expect(stdout).toContain('Usage: atm-rig');
    expect(stderr).toBe('');
  });
});

describe("docs/configuration.md's CLI column", () => {
  it('names, for each option, the commands that take it', async () => {
    const { readFile } = await import('node:fs/promises');
    const { buildProgram } = await import('./cli.ts');
    const md = await readFile(new URL('../docs/configuration.md', import.meta.url), 'utf8');
    const documented = [...md.matchAll(/^\| [^|]+ \| `(--[a-z0-9-]+)[^`]*` \(([^)]+)\) \|/gm)].map(
      (m) => [m[1]!, m[2]!.split(', ')] as const,
    );
    expect(documented.length).toBeGreaterThanOrEqual(15);
    const commands = buildProgram().commands;
    for (const [option, names] of documented) {
      expect(
        commands.filter((c) => c.options.some((o) => o.long === option)).map((c) => c.name()),
        option,
      ).toEqual(names);
    }
  });
});
