// The dashboard in a real browser: `npm run dashboard` as demo staff start it (its own process, its own data
// directory), Debian's chromium driven by playwright-core, and one whole seed001 session done by clicking: the
// finger the LCD asks for, the PIN, the OTP read off the phone panel, a withdrawal, taking the cash. Screenshots
// land in reports/: dashboard-menu.png (authenticated, OTP on the phone) and dashboard.png (the session over).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS } from '../rig/seed.ts';

const CHROMIUM = process.env.ATM_RIG_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
// CI installs chromium (scripts/system-deps.sh); there a missing browser is a failure, not a skip.
if (!haveChromium && process.env.CI) throw new Error(`chromium not found at ${CHROMIUM}: scripts/system-deps.sh should have installed it`);
if (!haveChromium)
  console.warn(
    `dashboard browser test skipped: no chromium at ${CHROMIUM} (install it with: sudo bash scripts/system-deps.sh, or set ATM_RIG_CHROMIUM)`,
  );

let dir: string;
let rig: ChildProcess | undefined;
let output = '';
let browser: Browser | undefined;
let dashboardUrl: string;

/** Start `npm run dashboard` and read the dashboard's address off its banner. */
async function startDashboardProcess(): Promise<string> {
  const config = join(dir, 'rig.json');
  // Quick SMS and a quick count of notes, as the demo has them.
  await writeFile(config, JSON.stringify({ atms: [{ id: 'atm-1', gsm: { deliveryDelayMs: 300 }, dispenser: { dispenseMs: 300 } }] }));
  const args = [
    'run',
    'dashboard',
    '--',
    '--plain',
    '--config',
    config,
    '--data',
    join(dir, 'bank.json'),
    '--flows',
    join(dir, 'flows.json'),
    '--seed',
    '11',
    '--hash-cost',
    '10',
    '--mqtt-port',
    '0',
    '--ws-port',
    '0',
    '--bank-port',
    '0',
    '--dashboard-port',
    '0',
  ];
  rig = spawn('npm', args, { cwd: join(import.meta.dirname, '..'), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run dashboard printed no dashboard URL in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /dashboard\s+(?:\S*?)(http:\/\/[\d.]+:\d+\/dashboard)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    rig!.stdout!.on('data', read);
    rig!.stderr!.on('data', read);
    rig!.once('exit', (code) => reject(new Error(`npm run dashboard exited (${code}):\n${output}`)));
  });
}

beforeAll(async () => {
  if (!haveChromium) return;
  dir = await mkdtemp(join(tmpdir(), 'atm-rig-browser-'));
  dashboardUrl = await startDashboardProcess();
  // The flags this machine needs: no sandbox as root, no GPU, and no background calls to a network it does not have.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (rig?.pid) {
    // npm and the rig under it: the whole process group, gently (the rig closes its bank file) and then for sure.
    try {
      process.kill(-rig.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => {
      const hard = setTimeout(() => {
        try {
          process.kill(-rig!.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
        r(undefined);
      }, 8000);
      rig!.once('exit', () => (clearTimeout(hard), r(undefined)));
    });
  }
  if (dir) await rm(dir, { recursive: true, force: true });
}, 20_000);

const lcdText = (page: Page) => page.getByTestId('lcd').innerText();
/** Wait for the LCD to show `pattern`; the LCD's text when it does. */
async function untilLcd(page: Page, pattern: RegExp): Promise<string> {
  await expect.poll(() => lcdText(page), { timeout: 15_000, interval: 50 }).toMatch(pattern);
  return lcdText(page);
}
const press = (page: Page, ...keys: string[]) =>
  keys.reduce((p, k) => p.then(() => page.locator(`.atm-front [data-key="${k}"]`).click()), Promise.resolve());

describe.skipIf(!haveChromium)('the dashboard in chromium', () => {
  it('completes a seed001 session by clicking: finger, PIN, OTP from the phone, withdrawal, cash', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 960 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(dashboardUrl);
    await untilLcd(page, /Press ENTER/);

    // A fresh data directory: the bank is empty until staff seed it.
    await page.getByTestId('seed').click();
    await page
      .locator('[data-testid=balances] [data-customer=C0001] [data-testid=balance]')
      .filter({ hasText: '5000.00' })
      .waitFor({ timeout: 15_000 });
    await page.getByTestId('customer').selectOption('C0001');
    const alice = DEMO_CUSTOMERS[0]!;
    await expect.poll(() => page.getByTestId('pin').innerText()).toBe(alice.pin);

    await press(page, 'ENTER');
    const asked = Number(/Place finger (\d+)/.exec(await untilLcd(page, /Place finger \d+/))![1]);
    // Another of her own fingers is refused first: the random-finger rule, seen on the dashboard.
    await page.locator(`[data-finger="${(asked % 10) + 1}"]`).click();
    // The ATM says so and asks again, perhaps for another finger.
    const again = Number(/Place finger (\d+)/.exec(await untilLcd(page, /Place finger \d+[\s\S]*Wrong finger/))![1]);
    await expect.poll(() => page.getByTestId('attempts-left').innerText(), { timeout: 10_000 }).toMatch(/attempts left: 2/);
    await page.locator(`[data-finger="${again}"]`).click();

    await untilLcd(page, /Enter PIN/);
    await press(page, ...(await page.getByTestId('pin').innerText()).split(''), 'ENTER');
    const sms = page.getByTestId('sms').first();
    await sms.waitFor({ timeout: 15_000 });
    const otp = /code is ([A-Z0-9]+)\./.exec(await sms.innerText())![1]!;
    await press(page, ...otp.split(''), 'ENTER');

    await untilLcd(page, /1 Withdraw/);
    await mkdir('reports', { recursive: true });
    await page.screenshot({ path: join('reports', 'dashboard-menu.png'), fullPage: true });
    await press(page, '1');
    await untilLcd(page, /Amount/);
    await press(page, '2', '0', '0', 'ENTER');
    await untilLcd(page, /Take your cash/);
    await expect.poll(() => page.getByTestId('cash-slot').innerText()).toMatch(/200\.00 at the slot/);
    expect(await page.getByTestId('dispensed').innerText()).toMatch(/Dispensed 200\.00/);
    await page.getByTestId('take-cash').click();
    await press(page, 'CANCEL');
    await untilLcd(page, /Thank you/);

    // The bank panel follows: 5000.00 - 200.00, and the withdrawal heads the ledger.
    await page
      .locator('[data-testid=balances] [data-customer=C0001] [data-testid=balance]')
      .filter({ hasText: '4800.00' })
      .waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('ledger').innerText(), { timeout: 10_000 }).toMatch(/withdrawal\s+-200\.00\s+4800\.00/);
    await expect.poll(() => page.getByTestId('session').innerText()).toMatch(/ended\s+completed/);

    await page.screenshot({ path: join('reports', 'dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('opens the demo flow in the Node-RED editor with every node valid (no red triangles)', async () => {
    const page = await browser!.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(dashboardUrl.replace(/dashboard$/, ''));
    await page.locator('.red-ui-flow-node').first().waitFor({ timeout: 30_000 });
    // The editor's own verdict, as it draws a warning triangle on a node.
    const invalid =
      await page.evaluate(`(() => { const out = []; const check = (n) => { if (n.valid === false) out.push(n.type + ' ' + n.id); };
      RED.nodes.eachNode(check); RED.nodes.eachConfig(check); return out; })()`);
    expect(invalid).toEqual([]);
    expect(await page.locator('.red-ui-flow-node').count()).toBeGreaterThan(20);
    await page.screenshot({ path: join('reports', 'node-red-editor.png') });
    await page.close();
  }, 60_000);
});
